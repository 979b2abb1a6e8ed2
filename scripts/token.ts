/**
 * `npm run token -- <personId|role> [--port 3000] [--data-dir .local-data]`: prints a bearer token for the
 * running local stack, signed with its dev key (functions/platform/local-jwt.ts). A role (sales, manager, ops)
 * picks the first team.yaml person with that role.
 *   curl -H "authorization: Bearer $(npm run -s token -- rep-anna)" localhost:3000/drafts
 * Key file: `<data dir>/dev-jwt-key.json` (npm start), or for `npm start -- --in-memory` the run's key in
 * `<os tmpdir>/lead-qualifier-<uid>/` (pass --port when it is not 3000).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appRoleForTeamRole } from '../functions/agent/auth/principal';
import { devKeyFile, findRunKeyFile, readDevKey, signDevToken } from '../functions/platform/local-jwt';
import { shippedPeople } from '../functions/platform/shipped-routing';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const port = Number(flag('--port') ?? process.env.PORT ?? 3000);
const dataDir = resolve(flag('--data-dir') ?? '.local-data');
const who = args[0];
if (!who) {
  console.error(
    'Usage: npm run token -- <personId|sales|manager|ops> [--port 3000] [--data-dir .local-data]',
  );
  process.exit(2);
}
const people = [...shippedPeople().values()];
const person =
  people.find((p) => p.id === who) ??
  people.find((p) => appRoleForTeamRole(p.role) === who && (who !== 'ops' || p.role === 'ops'));
if (!person) {
  console.error(`No person or role "${who}" in team.yaml (people: ${people.map((p) => p.id).join(', ')})`);
  process.exit(2);
}
const candidates = [devKeyFile(dataDir, 0), findRunKeyFile(port)].filter((f): f is string => !!f);
const file = candidates.find((f) => existsSync(f));
const key = file ? readDevKey(file) : undefined;
if (!key) {
  console.error(`No dev key found (looked in ${candidates.join(', ')}): is the local stack running?`);
  process.exit(1);
}
console.log(await signDevToken(key.privateJwk, person));
