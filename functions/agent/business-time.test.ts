/**
 * The time-zone check of the config schemas: it accepts exactly the zones `Intl.DateTimeFormat` accepts, the
 * canonical names from the runtime's list and the aliases and fixed zones a formatter takes.
 */
import { describe, expect, it } from 'vitest';
import { isValidTimeZone } from './business-time';

const formatterAccepts = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

describe('isValidTimeZone', () => {
  it('agrees with Intl.DateTimeFormat on canonical names, aliases and unknown names', () => {
    // Prepare
    const names = [
      ...Intl.supportedValuesOf('timeZone'),
      'UTC',
      'Etc/UTC',
      'Etc/GMT+1',
      'GMT',
      'Asia/Calcutta',
      'US/Eastern',
      'europe/amsterdam',
      '+01:00',
      'Europe/Atlantis',
      'Mars/Olympus_Mons',
      '',
    ];

    // Act
    const disagreements = names.filter((name) => isValidTimeZone(name) !== formatterAccepts(name));

    // Assess
    expect(disagreements).toEqual([]);
    expect(isValidTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
  });
});
