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
});
