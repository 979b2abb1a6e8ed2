/**
 * The privacy wiring shared by the handlers: the secret that signs the prospect's links and salts the
 * suppression hashes, the public base URL of those links, and the privacy store. On the local stack both
 * have development defaults; on AWS they must be configured (PRIVACY_SECRET_SECRET_REF, PRIVACY_BASE_URL).
 */
import type { PrivacyLinkSettings } from '../agent/privacy/notice';
import { dynamo } from './clients/dynamodb';
import { ConfigError, commonConfig } from './config';
import { leadsTableName } from './leads-table';
import { DynamoPrivacyStore } from './privacy-store-dynamodb';
import { once } from './shipped-files';
import { shippedPrivacy } from './shipped-privacy';

/** Only ever used with STAGE=local: a fixed value, so links survive a restart of the local stack. */
const LOCAL_SECRET = 'local-only-privacy-secret-never-used-on-aws-0001';
const LOCAL_BASE_URL = 'http://localhost:3000';

export const privacySecret = once((): string => {
  const c = commonConfig();
  if (c.PRIVACY_SECRET) return c.PRIVACY_SECRET;
  if (c.STAGE === 'local') return LOCAL_SECRET;
  throw new ConfigError('PRIVACY_SECRET is required on AWS (set PRIVACY_SECRET_SECRET_REF)');
});

export const privacyBaseUrl = once((): string => {
  const c = commonConfig();
  if (c.PRIVACY_BASE_URL) return c.PRIVACY_BASE_URL;
  if (c.STAGE === 'local') return LOCAL_BASE_URL;
  throw new ConfigError('PRIVACY_BASE_URL is required on AWS (the public API URL the privacy links use)');
});

export const privacyLinkSettings = (): PrivacyLinkSettings => ({
  policy: shippedPrivacy(),
  secret: privacySecret(),
  baseUrl: privacyBaseUrl(),
});

export const privacyStore = once(
  () => new DynamoPrivacyStore({ db: dynamo, table: leadsTableName(), now: () => new Date() }),
);
