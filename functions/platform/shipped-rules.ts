/** config/scoring-rules.yaml (or RULES_FILE), compiled; loaded like every shipped file (./shipped-files.ts). */
import { compileRules, loadRules } from '../agent/score';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const rulesFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/scoring-rules.yaml', 'RULES_FILE', (text) => compileRules(loadRules(text)), paths);

/** The compiled rules; `.file` is the validated rules file. */
export const shippedRules = rulesFrom();
