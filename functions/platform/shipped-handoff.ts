/** config/handoff.yaml (or HANDOFF_FILE): the seed of the versioned handoff policy (./shipped-files.ts). */
import { parseHandoffYaml } from '../agent/handoff/policy';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const handoffFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/handoff.yaml', 'HANDOFF_FILE', parseHandoffYaml, paths);

export const shippedHandoff = handoffFrom();
