/**
 * `npx tsx scripts/backfill-domain-index.ts`: gives leads stored before the `byDomain` index existed their
 * company-domain keys, so account signals (POST /signals) reach them. Idempotent; run once after deploying the
 * index, with LEADS_TABLE (and the usual AWS credentials / AWS_ENDPOINT_URL_DYNAMODB) in the environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../functions/platform/config';
import { backfillDomainIndex } from '../functions/platform/lead-store-rescore';
import { leadsTableName } from '../functions/platform/leads-table';

let table: string;
try {
  table = leadsTableName();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message} (the name of the deployed leads table: CDK output LeadsTableName)`);
  process.exit(2);
}
const ddb = new DynamoDBClient({});
const changed = await backfillDomainIndex({
  db: DynamoDBDocumentClient.from(ddb),
  table,
  now: () => new Date(),
});
console.log(`indexed ${changed} lead(s) by company domain`);
ddb.destroy();
