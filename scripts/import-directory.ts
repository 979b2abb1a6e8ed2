/**
 * Imports a CSV of companies into data/company-directory.json (the embedded registry used when no KvK API
 * key is configured). Columns are documented in data/README.md; `|` separates list values.
 *
 *   npx tsx scripts/import-directory.ts companies.csv            # replace the directory
 *   npx tsx scripts/import-directory.ts companies.csv --merge    # add / update by domain
 *   npx tsx scripts/import-directory.ts companies.csv --out other.json
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { csvRecords, splitList } from '../functions/agent/enrich/csv';
import {
  type DirectoryCompany,
  DirectoryCompanySchema,
  DirectoryFileSchema,
  normaliseDomain,
} from '../functions/agent/enrich/registry/directory';

export function rowToCompany(r: Record<string, string>): DirectoryCompany {
  const employees = r.employees ? Number(r.employees) : undefined;
  if (employees !== undefined && !(Number.isFinite(employees) && employees >= 0)) {
    throw new Error(`employees is not a number: ${JSON.stringify(r.employees)}`);
  }
  return DirectoryCompanySchema.parse({
    ...(r.kvk_number && { kvkNumber: r.kvk_number.replace(/\D/g, '').padStart(8, '0') }),
    ...(r.kbo_number && { kboNumber: r.kbo_number }),
    legalName: r.legal_name,
    tradeNames: splitList(r.trade_names),
    ...(r.legal_form && { legalForm: r.legal_form }),
    domain: normaliseDomain(r.domain ?? ''),
    ...(r.website && { website: r.website }),
    sbiCodes: splitList(r.sbi_codes),
    ...(r.sbi_descriptions && { sbiDescriptions: splitList(r.sbi_descriptions) }),
    ...(employees !== undefined && { employees: Math.trunc(employees) }),
    ...(r.country && {
      address: {
        ...(r.street && { street: r.street }),
        ...(r.postal_code && { postalCode: r.postal_code }),
        ...(r.city && { city: r.city }),
        country: r.country.toUpperCase(),
      },
    }),
    ...(r.founded && { founded: r.founded }),
  });
}

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(
      'usage: tsx scripts/import-directory.ts <companies.csv> [--merge] [--out data/company-directory.json]',
    );
    process.exit(2);
  }
  const outIdx = args.indexOf('--out');
  const out = resolve(
    outIdx >= 0 ? args[outIdx + 1]! : resolve(import.meta.dirname, '..', 'data', 'company-directory.json'),
  );
  const errors: string[] = [];
  const imported: DirectoryCompany[] = [];
  csvRecords(readFileSync(file, 'utf8')).forEach((r, i) => {
    try {
      imported.push(rowToCompany(r));
    } catch (err) {
      errors.push(`line ${i + 2}: ${(err as Error).message.split('\n')[0]}`);
    }
  });
  const existing =
    args.includes('--merge') && existsSync(out)
      ? DirectoryFileSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
      : undefined;
  const byDomain = new Map((existing?.companies ?? []).map((c) => [c.domain, c]));
  for (const c of imported) byDomain.set(c.domain, c);
  const result = {
    _meta: {
      ...(existing?._meta ?? {}),
      generated: new Date().toISOString().slice(0, 10),
      generator: 'scripts/import-directory.ts',
    },
    companies: [...byDomain.values()],
  };
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  console.log(
    `imported ${imported.length} companies (${errors.length} rejected) → ${result.companies.length} in ${out}`,
  );
  for (const e of errors) console.error(e);
  if (errors.length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
