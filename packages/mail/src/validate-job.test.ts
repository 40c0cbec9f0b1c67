import { describe, expect, it } from 'vitest';
import { sampleOffline, sampleTranscript } from './test-jobs.js';
import { validateJob } from './validate-job.js';

describe('validateJob', () => {
  it('accepts the sample jobs', () => {
    expect(validateJob(sampleTranscript())).toBeUndefined();
    expect(validateJob(sampleOffline())).toBeUndefined();
  });

  it('names the first problem without quoting a value', () => {
    expect(validateJob(null)).toBe('job is not an object');
    expect(validateJob({ ...sampleOffline(), kind: 'spam' })).toBe('kind is not known');
    expect(validateJob(sampleOffline({ to: [] }))).toBe('to has no recipients');
    expect(validateJob(sampleOffline({ to: ['ok@acme.example', 'x@evil\r\nBcc: y'] }))).toBe(
      'to[1] is not a valid address',
    );
    expect(validateJob({ ...sampleTranscript(), messages: [{ from: 'x', text: 1 }] })).toBe(
      'messages are invalid',
    );
    expect(validateJob({ ...sampleOffline(), text: 5 })).toBe('text is invalid');
    expect(validateJob({ ...sampleTranscript(), truncated: Number.NaN })).toBe(
      'truncated is invalid',
    );
  });

  it('caps the number of recipients', () => {
    const to = Array.from({ length: 3 }, (_, i) => `r${i}@acme.example`);
    expect(validateJob(sampleOffline({ to }), 2)).toBe('to has more than 2 recipients');
  });

  it('B7: refuses a recipient list smuggled into one entry', () => {
    expect(validateJob(sampleOffline({ to: ['a@acme.example, b@evil.example'] }))).toBe(
      'to[0] is not a valid address',
    );
  });
});
