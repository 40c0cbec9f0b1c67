import { z } from 'zod';

// A site's business hours (issue #16): outside them the site counts as offline for visitors
// even with operators connected. Local wall times in an IANA zone, so a DST change moves the
// boundaries with the zone's clocks; all zone arithmetic goes through Intl.

/** Day keys of `hours.days`, in the order `Intl` gives `weekday: 'short'` (en-US). */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const INTL_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * Longest wait before the open state is computed again, even with no boundary in sight: bounds
 * the error of a wall-clock jump or a DST edge case to this (SECURITY.md F13).
 */
export const HOURS_RECHECK_MS = 60 * 60 * 1000;

const time = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00–24:00)');
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** One opening interval, `[start, end)`, local times; `end` may be `24:00`. */
const interval = z
  .tuple([time, time])
  .refine(([a, b]) => minutes(a) < minutes(b), 'the end must be after the start');

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Europe/Berlin');

/** `hours` of a site: a time zone and, per day, its opening intervals (a missing day: closed). */
export const businessHours = z.strictObject({
  timeZone,
  days: z.strictObject(
    Object.fromEntries(DAYS.map((d) => [d, z.array(interval).max(8).optional()])) as Record<
      (typeof DAYS)[number],
      z.ZodOptional<z.ZodArray<typeof interval>>
    >,
  ),
});

/** A site's business hours, as parsed. */
export type BusinessHours = z.output<typeof businessHours>;

/** The zone's wall clock at `at`: weekday index, minute of the day, and wall time in ms. */
function wall(hours: BusinessHours, at: number): { day: number; minute: number; ms: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const n = (type: string) => Number(get(type));
  const hour = n('hour');
  const minute = n('minute');
  const ms = Date.UTC(n('year'), n('month') - 1, n('day'), hour, minute, n('second')) + (at % 1000);
  return { day: INTL_DAYS.indexOf(get('weekday')), minute: hour * 60 + minute, ms };
}

/**
 * Whether the site is open at `at` (epoch ms), and how long until the state should be
 * computed again: the next boundary in the zone (found by wall time, then corrected for a
 * change of the zone's offset before it), at most `HOURS_RECHECK_MS`.
 */
export function hoursState(hours: BusinessHours, at: number): { open: boolean; recheckMs: number } {
  const now = wall(hours, at);
  const intervals = (day: number) => hours.days[DAYS[day % 7] as (typeof DAYS)[number]] ?? [];
  const open = intervals(now.day).some(
    ([a, b]) => minutes(a) <= now.minute && now.minute < minutes(b),
  );
  // The next start or end after now, as minutes from the start of today (up to a week on).
  let next = Number.POSITIVE_INFINITY;
  for (let d = 0; d <= 7 && next === Number.POSITIVE_INFINITY; d++) {
    for (const [a, b] of intervals(now.day + d)) {
      for (const m of [minutes(a) + d * 1440, minutes(b) + d * 1440]) {
        if (m > now.minute && m < next) next = m;
      }
    }
  }
  if (next === Number.POSITIVE_INFINITY) return { open, recheckMs: HOURS_RECHECK_MS };
  const startOfMinute = now.ms - (now.ms % 60_000);
  const target = startOfMinute + (next - now.minute) * 60_000;
  let guess = at + (target - now.ms);
  // A DST change before the boundary shifts the zone's offset: correct the guess by it once.
  guess += target - wall(hours, guess).ms;
  const recheckMs = Math.min(Math.max(guess - at, 1), HOURS_RECHECK_MS);
  return { open, recheckMs };
}
