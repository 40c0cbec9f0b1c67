import { describe, expect, it } from 'vitest';
import { coreDumpsEnabled, parseCoreLimit } from './core-limit.js';

const limits = (soft: string) =>
  'Limit                     Soft Limit           Hard Limit           Units     \n' +
  'Max stack size            8388608              unlimited            bytes     \n' +
  `Max core file size        ${soft.padEnd(20)} unlimited            bytes     \n`;

describe('core limit', () => {
  it('12.6: reads the soft core-file limit of /proc/self/limits', () => {
    expect(parseCoreLimit(limits('0'))).toBe(0);
    expect(parseCoreLimit(limits('unlimited'))).toBe('unlimited');
    expect(parseCoreLimit(limits('4096'))).toBe(4096);
    expect(parseCoreLimit('Limit Soft Hard\n')).toBeNull();
    expect([0, 4096, 'unlimited', null].map((l) => coreDumpsEnabled(l as never))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});
