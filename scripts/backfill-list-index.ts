/**
 * `npx tsx scripts/backfill-list-index.ts`: gives leads stored before the leads list indexes existed their
 * list keys, so they show in GET /leads. Idempotent; run once after deploying the indexes, with
 * LEADS_TABLE (and the usual AWS credentials / AWS_ENDPOINT_URL_DYNAMODB) in the environment. The local
 * stack does this by itself at start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../functions/platform/config';
import { DynamoWorkspaceStore } from '../functions/platform/lead-store-workspace';
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
const changed = await new DynamoWorkspaceStore(DynamoDBDocumentClient.from(ddb), table).backfillListIndex();
console.log(`indexed ${changed} lead(s) for the leads list`);
ddb.destroy();
