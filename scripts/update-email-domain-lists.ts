/**
 * Regenerates the email tool's domain lists in data/ from the installed npm packages:
 *   data/disposable-email-domains.txt  ← disposable-email-domains/index.json (MIT)
 *   data/free-mail-domains.txt         ← email-providers/all.json (ISC)
 * Each file is the sorted, de-duplicated list, one domain a line (see
 * functions/agent/enrich/tools/domain-list.ts). Run after upgrading either package:
 *   npx tsx scripts/update-email-domain-lists.ts          # write what changed
 *   npx tsx scripts/update-email-domain-lists.ts --check  # exit 1 when a file is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { domainListText } from '../functions/agent/enrich/tools/domain-list';
import { EMAIL_DOMAIN_LISTS } from '../functions/agent/enrich/tools/email';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;

for (const { file, source } of Object.values(EMAIL_DOMAIN_LISTS)) {
  const pkg = source.split('/')[0]!;
  const { version } = require(`${pkg}/package.json`) as { version: string };
  const domains: unknown = require(source);
  if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string'))
    throw new Error(`${source} is not a list of strings`);
  const wanted = domainListText(domains);
  const target = join(root, file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : null;
  const label = `${file} (${pkg}@${version}, ${domains.length} domains)`;
  if (current === wanted) {
    console.log(`${label} is up to date`);
  } else if (check) {
    console.error(`${label} is out of date: run npx tsx scripts/update-email-domain-lists.ts`);
    stale++;
  } else {
    writeFileSync(target, wanted);
    console.log(`wrote ${label}: ${Buffer.byteLength(wanted)} bytes`);
  }
}
if (stale) process.exit(1);
