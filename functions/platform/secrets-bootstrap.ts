/**
 * Cold start: resolves the `<NAME>_SECRET_REF` references (./secrets.ts) into the process environment before
 * ./config.ts parses it. A top-level await in a module that config.ts imports: every module that reads the
 * configuration waits for it. Without references (local stack, tests) it does nothing.
 */
import { awsSecretSource, resolveSecretRefs } from './secrets';

await resolveSecretRefs(process.env, awsSecretSource);
