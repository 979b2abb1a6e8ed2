/**
 * Writes config/privacy.schema.json from the zod schema (editor support for config/privacy.yaml):
 *   npx tsx functions/agent/privacy/json-schema.ts
 * policy.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { privacyJsonSchema } from './policy';

const target = fileURLToPath(new URL('../../../config/privacy.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(privacyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
