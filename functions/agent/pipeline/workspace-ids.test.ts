import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { leadIdsParam, MAX_LEAD_IDS } from './workspace';

describe('GET /leads ids parameter', () => {
  it('reads comma-separated lead ids, trimmed, repeats once, and is absent when not given', () => {
    // Prepare
    const [a, b] = [ulid(), ulid()];
    // Act + Assess
    expect(leadIdsParam(`${a}, ${b},${a}`)).toEqual([a, b]);
    expect(leadIdsParam(undefined)).toBeUndefined();
  });

  it(`takes up to ${MAX_LEAD_IDS} ids and refuses more, empty or malformed ones, naming ids`, () => {
    // Prepare
    const max = Array.from({ length: MAX_LEAD_IDS }, () => ulid());
    const refused = (raw: string) => {
      try {
        leadIdsParam(raw);
      } catch (e) {
        return e instanceof DomainError && e.kind === 'invalid' && e.issues[0]?.field === 'ids';
      }
      return false;
    };
    // Act + Assess
    expect(leadIdsParam(max.join(','))).toHaveLength(MAX_LEAD_IDS);
    expect(refused([...max, ulid()].join(','))).toBe(true);
    expect(refused('')).toBe(true);
    expect(refused(`${ulid()},,${ulid()}`)).toBe(true);
    expect(refused('LEAD#x')).toBe(true);
  });
});
