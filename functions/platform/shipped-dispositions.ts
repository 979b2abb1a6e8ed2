/** config/dispositions.yaml (or DISPOSITIONS_FILE), validated; loaded like every shipped file (./shipped-files.ts). */
import { parseDispositions } from '../agent/judge/disposition';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const dispositionsFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/dispositions.yaml', 'DISPOSITIONS_FILE', parseDispositions, paths);

/** Where each non-sales disposition goes, and the competitor domains. */
export const shippedDispositions = dispositionsFrom();
