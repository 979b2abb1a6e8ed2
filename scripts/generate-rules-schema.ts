/**
 * Generates config/scoring-rules.schema.json (the editor schema for config/scoring-rules.yaml) from the zod
 * schema `RulesFileSchema`. Run after changing functions/agent/score/rules.ts or facts.ts:
 *   npx tsx scripts/generate-rules-schema.ts          # write
 *   npx tsx scripts/generate-rules-schema.ts --check  # exit 1 when the file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rulesJsonSchema } from '../functions/agent/score/json-schema';

const target = fileURLToPath(new URL('../config/scoring-rules.schema.json', import.meta.url));
const text = `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (JSON.stringify(JSON.parse(current || 'null')) !== JSON.stringify(JSON.parse(text))) {
    console.error(`${target} is out of date: run npx tsx scripts/generate-rules-schema.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
