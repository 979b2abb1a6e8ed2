/**
 * The daily privacy job (scheduled): finishes erasures a crash left running, then applies retention to the
 * leads whose retention ends (functions/agent/privacy/retention.ts). Counts only in the log.
 */
import type { ErasureDeps } from './agent/privacy/erasure';
import { sweepRetention } from './agent/privacy/retention';
import { dynamo } from './platform/clients/dynamodb';
import { crmPort } from './platform/crm-wiring';
import { DynamoErasureStore, DynamoRetentionStore } from './platform/erasure-store-dynamodb';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { privacySecret, privacyStore } from './platform/privacy-settings';
import { shippedPrivacy } from './platform/shipped-privacy';

const table = { db: dynamo, table: leadsTableName(), now: () => new Date() };
const policy = shippedPrivacy();
const deps: ErasureDeps = {
  store: privacyStore(),
  jobs: new DynamoErasureStore(table),
  crm: (kind) => {
    const port = crmPort();
    return port?.kind === kind ? port : undefined;
  },
  secret: privacySecret(),
  auditRetentionDays: policy.retentionDays.erasureAudit,
  now: () => new Date(),
};
const retention = new DynamoRetentionStore(table);

export const handler = async (): Promise<void> => {
  const report = await sweepRetention({ ...deps, retention, policy });
  logger.info('Privacy job done', { ...report });
};
