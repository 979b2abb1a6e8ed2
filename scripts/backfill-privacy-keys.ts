/**
 * `npx tsx scripts/backfill-privacy-keys.ts [--dry-run] [--page-size N] [--max-pages N] [--from CURSOR]`:
 * gives leads stored before the privacy keys existed their `byEmail` index keys (access and erasure find
 * them) and their retention (`expiresAt` TTL, `byExpiry` keys, the processing record's `retainUntil`; the
 * daily privacy job erases them in time). Pages through the table once with a Scan; after every page it
 * prints the counts and the cursor to resume from. Idempotent: conditional writes, a second run changes
 * nothing. Run once after deploying, with LEADS_TABLE (and the usual AWS credentials /
 * AWS_ENDPOINT_URL_DYNAMODB) in the environment; PRIVACY_FILE if the deployment has its own retention.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../functions/platform/config';
import { leadsTableName } from '../functions/platform/leads-table';
import { backfillPrivacyKeys, type PrivacyBackfillReport } from '../functions/platform/privacy-backfill';
import { shippedPrivacy } from '../functions/platform/shipped-privacy';

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    'page-size': { type: 'string', default: '100' },
    'max-pages': { type: 'string' },
    from: { type: 'string' },
  },
});
const positive = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number of 1 or more, not "${value}"`);
    process.exit(2);
  }
  return n;
};
const pageSize = positive('page-size', values['page-size'])!;
const maxPages = positive('max-pages', values['max-pages']);

let table: string;
try {
  table = leadsTableName();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message} (the name of the deployed leads table: CDK output LeadsTableName)`);
  process.exit(2);
}
const dryRun = values['dry-run'];
const line = (r: PrivacyBackfillReport) =>
  `${dryRun ? '[dry run] ' : ''}page ${r.pages}: ${r.scanned} lead(s) without privacy keys read, ` +
  `${r.emailKeys} given email index keys, ${r.retention} given a retention (${r.overdue} overdue: due today), ` +
  `${r.skipped} written meanwhile by someone else${r.cursor ? `; resume with --from ${r.cursor}` : ''}`;

const ddb = new DynamoDBClient({});
try {
  const report = await backfillPrivacyKeys(
    { db: DynamoDBDocumentClient.from(ddb), table, now: () => new Date() },
    {
      policy: shippedPrivacy(),
      pageSize,
      ...(maxPages ? { maxPages } : {}),
      ...(values.from ? { from: values.from } : {}),
      dryRun,
      onPage: (r) => console.log(line(r)),
    },
  );
  console.log(report.cursor ? `stopped after ${report.pages} page(s)` : 'done: the whole table was read');
} catch (error) {
  if (error instanceof Error && error.message.startsWith('the cursor')) {
    console.error(`--from: ${error.message}`);
    process.exit(2);
  }
  throw error;
} finally {
  ddb.destroy();
}
