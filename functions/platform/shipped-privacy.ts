/** config/privacy.yaml (or PRIVACY_FILE): controller, lawful basis, retention, notices (./shipped-files.ts). */
import { parsePrivacyYaml } from '../agent/privacy/policy';
import { type ShippedPaths, shippedFile } from './shipped-files';

export const privacyFrom = (paths?: () => ShippedPaths) =>
  shippedFile('config/privacy.yaml', 'PRIVACY_FILE', parsePrivacyYaml, paths);

export const shippedPrivacy = privacyFrom();
