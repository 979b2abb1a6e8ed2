/** config/intake.yaml (or INTAKE_FILE): field aliases, spam traps, redirect origins (./shipped-files.ts). */
import { parseIntakeSettings } from '../agent/intake/settings';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const intakeSettingsFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/intake.yaml', 'INTAKE_FILE', (text) => parseIntakeSettings(text), paths);

export const shippedIntakeSettings = intakeSettingsFrom();
