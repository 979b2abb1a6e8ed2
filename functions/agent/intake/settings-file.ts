/** Reads `config/intake.yaml` (or another path) at cold start; the handler passes the result around. */
import { readFileSync } from 'node:fs';
import { type IntakeSettings, parseIntakeSettings } from './settings';

export function readIntakeSettingsFile(path: string): IntakeSettings {
  return parseIntakeSettings(readFileSync(path, 'utf8'));
}
