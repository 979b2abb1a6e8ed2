/** config/follow-up.yaml (or FOLLOW_UP_FILE), validated; loaded like every shipped file (./shipped-files.ts). */
import { parseFollowUp } from '../agent/follow-up';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const followUpFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/follow-up.yaml', 'FOLLOW_UP_FILE', parseFollowUp, paths);

/** SLA escalation per team and the re-qualification ages. */
export const shippedFollowUp = followUpFrom();
