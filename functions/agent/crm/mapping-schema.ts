/**
 * Writes config/crm-mapping.schema.json from the zod schema (editor support for the YAML). Run after a
 * schema change:  npx tsx functions/agent/crm/mapping-schema.ts
 * mapping.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crmMappingJsonSchema } from './mapping';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../../../config/crm-mapping.schema.json', import.meta.url));
  writeFileSync(target, `${JSON.stringify(crmMappingJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${target}`);
}
