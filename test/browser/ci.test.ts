/** When the browser tests may be skipped: never in CI, where a missing Chromium must fail the run. */
import { describe, expect, it } from 'vitest';
import { isCi } from './support';

describe('browser tests in CI', () => {
  it('treat CI=true, CI=1 and any other value as CI, but not an empty, 0 or false CI', () => {
    // Act
    const ci = ['true', '1', 'yes', 'TRUE'].map((CI) => isCi({ CI }));
    const notCi = [undefined, '', '0', 'false', 'False '].map((CI) => isCi(CI === undefined ? {} : { CI }));
    // Assess
    expect(ci).toEqual([true, true, true, true]);
    expect(notCi).toEqual([false, false, false, false, false]);
  });
});
