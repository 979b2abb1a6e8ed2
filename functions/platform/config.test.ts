import { describe, expect, it } from 'vitest';
import { CommonConfigSchema, ConfigError, parseConfig } from './config';

describe('configuration', () => {
  it('takes per-tool enrichment timeouts as a JSON object', () => {
    // Prepare / Act
    const config = parseConfig(CommonConfigSchema, { ENRICH_TOOL_TIMEOUTS_MS: '{"registry": 5000}' });
    // Assess
    expect(config.ENRICH_TOOL_TIMEOUTS_MS).toEqual({ registry: 5000 });
    expect(parseConfig(CommonConfigSchema, {}).ENRICH_TOOL_TIMEOUTS_MS).toEqual({});
  });

  it.each(['not json', '{"registry": -1}', '{"registry": "fast"}', '{"website": 600000}'])(
    'fails fast naming ENRICH_TOOL_TIMEOUTS_MS for %s',
    (value) => {
      // Prepare / Act / Assess
      expect(() => parseConfig(CommonConfigSchema, { ENRICH_TOOL_TIMEOUTS_MS: value })).toThrow(ConfigError);
      expect(() => parseConfig(CommonConfigSchema, { ENRICH_TOOL_TIMEOUTS_MS: value })).toThrow(
        /ENRICH_TOOL_TIMEOUTS_MS/,
      );
    },
  );

  it('keeps parked events 30 days unless EVENT_PARKING_DAYS says otherwise, and refuses nonsense', () => {
    // Prepare / Act / Assess
    expect(parseConfig(CommonConfigSchema, {}).EVENT_PARKING_DAYS).toBe(30);
    expect(parseConfig(CommonConfigSchema, { EVENT_PARKING_DAYS: '7' }).EVENT_PARKING_DAYS).toBe(7);
    for (const value of ['0', '366', '1.5', 'a month'])
      expect(() => parseConfig(CommonConfigSchema, { EVENT_PARKING_DAYS: value })).toThrow(
        /EVENT_PARKING_DAYS/,
      );
  });

  it('takes the job-board API bases, the Recruitee one with {company}', () => {
    // Prepare / Act
    const config = parseConfig(CommonConfigSchema, {
      JOB_BOARD_GREENHOUSE_URL: 'http://127.0.0.1:9000',
      JOB_BOARD_RECRUITEE_URL: 'http://127.0.0.1:9000/recruitee/{company}',
    });
    // Assess
    expect(config.JOB_BOARD_RECRUITEE_URL).toBe('http://127.0.0.1:9000/recruitee/{company}');
    expect(() =>
      parseConfig(CommonConfigSchema, { JOB_BOARD_RECRUITEE_URL: 'https://recruitee.com' }),
    ).toThrow(/JOB_BOARD_RECRUITEE_URL/);
  });
});
