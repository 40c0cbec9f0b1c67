import { describe, expect, it } from 'vitest';
import { businessHours, HOURS_RECHECK_MS, hoursState } from './business-hours.js';

const berlin = businessHours.parse({
  timeZone: 'Europe/Berlin',
  days: { mon: [['09:00', '17:00']], sun: [['03:15', '04:00']] },
});
const at = (iso: string) => Date.parse(iso);

describe('business hours', () => {
  it('16: is closed before opening and rechecks at the boundary, in the zone (CET, UTC+1)', () => {
    // Monday 08:59:30 in Berlin.
    expect(hoursState(berlin, at('2026-12-07T07:59:30Z'))).toEqual({
      open: false,
      recheckMs: 30_000,
    });
    expect(hoursState(berlin, at('2026-12-07T08:00:00Z')).open).toBe(true);
    expect(hoursState(berlin, at('2026-12-07T15:59:59Z'))).toEqual({ open: true, recheckMs: 1000 });
    expect(hoursState(berlin, at('2026-12-07T16:00:00Z')).open).toBe(false);
    // Tuesday: no hours at all.
    expect(hoursState(berlin, at('2026-12-08T10:00:00Z')).open).toBe(false);
  });

  it("16: finds the boundary after a DST change by the zone's clocks", () => {
    // Sunday 29 March 2026, 01:30 CET; clocks go 02:00 → 03:00; 03:15 CEST is 01:15 UTC.
    expect(hoursState(berlin, at('2026-03-29T00:30:00Z'))).toEqual({
      open: false,
      recheckMs: 45 * 60_000,
    });
    expect(hoursState(berlin, at('2026-03-29T01:15:00Z')).open).toBe(true);
    // Far from any boundary: rechecked at most this often.
    expect(hoursState(berlin, at('2026-12-08T10:00:00Z')).recheckMs).toBe(HOURS_RECHECK_MS);
  });

  it('16: refuses an unknown zone, a bad time, an empty interval and an unknown day, by path', () => {
    const r = businessHours.safeParse({
      timeZone: 'Mars/Olympus',
      days: { mon: [['25:00', '26:00']], tue: [['10:00', '09:00']], monday: [] },
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'timeZone: must be an IANA time zone like Europe/Berlin',
        'days.mon.0.0: must be HH:MM (00:00–24:00)',
        'days.tue.0: the end must be after the start',
      ]),
    );
    expect(paths?.some((p) => p.includes('monday'))).toBe(true);
  });
});
