/**
 * `npx tsx scripts/migrate-rotation.ts`: moves routing data of the single-item rotation (one `RR#<team>` / `RR`
 * item holding the sequence and every rep's `load#<rep>`) to the current layout: per-rep load items and
 * `loadTaken` on the leads that hold a load, so that closing them releases it (see
 * functions/platform/round-robin-dynamodb.ts). Idempotent; run once right after deploying this version, with
 * LEADS_TABLE (and the usual AWS credentials / AWS_ENDPOINT_URL_DYNAMODB) in the environment. Until it has
 * run, reps' open-lead counts start from 0, so a capped rep may get up to their cap on top of what they hold.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { migrateLegacyRotation } from '../functions/platform/rotation-migration';

const table = process.env.LEADS_TABLE;
if (!table) {
  console.error('LEADS_TABLE is not set: the name of the deployed leads table (CDK output LeadsTableName)');
  process.exit(2);
}
const ddb = new DynamoDBClient({});
const report = await migrateLegacyRotation(DynamoDBDocumentClient.from(ddb), table);
console.log(
  `moved ${report.rotations} rotation item(s); marked ${report.leadsMarked} open lead(s) with the load they hold`,
);
ddb.destroy();
