/**
 * Imports external buying signals into data/intent-signals.json, from CSV (columns: domain, type, detail,
 * at, source) or from JSON (an array of those objects, or `{ "signals": [...] }`). `type` is one of hiring,
 * funding, new_system, growth; `at` an ISO date. Existing signals are kept with --merge (deduplicated on
 * domain + type + at + detail).
 *
 *   npx tsx scripts/import-intent-signals.ts signals.csv [--merge] [--out data/intent-signals.json]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { csvRecords } from '../functions/agent/enrich/csv';
import { normaliseDomain } from '../functions/agent/enrich/registry/directory';
import { IntentFileSchema } from '../functions/agent/enrich/tools/intent';

const RowSchema = z.object({
  domain: z.string().min(3).transform(normaliseDomain),
  type: z.enum(['hiring', 'funding', 'new_system', 'growth']),
  detail: z.string().min(1).max(500),
  at: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'at must be an ISO date'),
  source: z.string().min(1).max(200),
});

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(
      'usage: tsx scripts/import-intent-signals.ts <signals.csv|signals.json> [--merge] [--out file]',
    );
    process.exit(2);
  }
  const outIdx = args.indexOf('--out');
  const out = resolve(
    outIdx >= 0 ? args[outIdx + 1]! : resolve(import.meta.dirname, '..', 'data', 'intent-signals.json'),
  );
  const text = readFileSync(file, 'utf8');
  let raw: unknown[];
  if (file.endsWith('.json')) {
    const parsed = JSON.parse(text) as unknown;
    raw = Array.isArray(parsed) ? parsed : ((parsed as { signals?: unknown[] }).signals ?? []);
  } else raw = csvRecords(text);
  const errors: string[] = [];
  const rows: z.infer<typeof RowSchema>[] = [];
  raw.forEach((r, i) => {
    const p = RowSchema.safeParse(r);
    if (p.success) rows.push(p.data);
    else
      errors.push(
        `record ${i + 1}: ${p.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
  });
  const existing =
    args.includes('--merge') && existsSync(out)
      ? IntentFileSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
      : undefined;
  const all = new Map<string, z.infer<typeof RowSchema>>();
  for (const s of [...(existing?.signals ?? []), ...rows])
    all.set(`${s.domain}|${s.type}|${s.at}|${s.detail}`, s);
  const result = {
    _meta: {
      ...(existing?._meta ?? {}),
      generated: new Date().toISOString().slice(0, 10),
      generator: 'scripts/import-intent-signals.ts',
    },
    signals: [...all.values()].sort((a, b) => a.domain.localeCompare(b.domain) || b.at.localeCompare(a.at)),
  };
  IntentFileSchema.parse(result);
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  console.log(
    `imported ${rows.length} signals (${errors.length} rejected) → ${result.signals.length} in ${out}`,
  );
  for (const e of errors) console.error(e);
  if (errors.length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
