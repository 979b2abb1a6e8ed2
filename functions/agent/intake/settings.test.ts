import { describe, expect, it } from 'vitest';
import { intakeSettingsFrom } from '../../platform/shipped-intake';
import { formRequest } from '../testing/intake-requests';
import { parseSubmission } from './parse-submission';
import { DEFAULT_INTAKE_SETTINGS, parseIntakeSettings } from './settings';

describe('intake settings', () => {
  it('config/intake.yaml holds exactly the TypeScript defaults', () => {
    // Prepare / Act
    const fromFile = intakeSettingsFrom(() => ({}))();
    // Assess
    expect(fromFile).toEqual(DEFAULT_INTAKE_SETTINGS);
  });

  it('YAML overrides replace single settings and keep the rest', () => {
    // Prepare
    const yaml = 'allowedRedirectOrigins: ["https://www.acme.nl"]\nfieldAliases:\n  company: ["klantnaam"]\n';
    // Act
    const settings = parseIntakeSettings(yaml);
    // Assess
    expect(settings.allowedRedirectOrigins).toEqual(['https://www.acme.nl']);
    expect(settings.fieldAliases.company).toEqual(['klantnaam']);
    expect(settings.fieldAliases.email).toEqual(DEFAULT_INTAKE_SETTINGS.fieldAliases.email);
    expect(settings.maxBodyBytes).toBe(65_536);
  });

  it('a bad YAML value is refused at load time', () => {
    // Prepare / Act / Assess
    expect(() => parseIntakeSettings('defaultCountry: Netherlands')).toThrow();
  });

  it('per-source aliases apply to that source only', async () => {
    // Prepare
    const settings = parseIntakeSettings('sources:\n  html:\n    fieldAliases:\n      company: ["org_x"]\n');
    const input = formRequest({ email: 'jan@acme.nl', org_x: 'Acme' });
    // Act
    const asHtml = await parseSubmission(input, settings);
    const asJson = await parseSubmission({ ...input, query: { source: 'json' } }, settings);
    // Assess
    expect(asHtml.ok && asHtml.lead.company.name).toBe('Acme');
    expect(asJson.ok && asJson.lead.company.name).toBeUndefined();
  });
});
