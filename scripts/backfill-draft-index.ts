/**
 * `npx tsx scripts/backfill-draft-index.ts`: gives leads stored before the `drafts` index existed their
 * index keys, so they show in the paged inbox. Idempotent; run once after deploying the index, with
 * LEADS_TABLE (and the usual AWS credentials / AWS_ENDPOINT_URL_DYNAMODB) in the environment. The local
 * stack does this by itself at start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../functions/platform/config';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
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
const changed = await new DynamoLeadStore(DynamoDBDocumentClient.from(ddb), table).backfillDraftIndex();
console.log(`indexed ${changed} lead(s) with a draft`);
ddb.destroy();
