/**
 * Who is calling, from verified JWT claims. On AWS the API Gateway Cognito JWT authorizer verifies the token
 * and passes its claims in `requestContext.authorizer.jwt.claims`; locally the gateway's `authorize` hook
 * verifies a dev token (functions/platform/local-jwt.ts) into the same claims. Pure, no I/O.
 *
 * Claims used:
 * - role: `cognito:groups` — one of the Cognito groups `sales`, `manager`, `ops` (when several, the most
 *   powerful wins: manager > ops > sales). API Gateway flattens arrays into a string like `[sales manager]`;
 *   both forms are accepted.
 * - person: `cognito:username` (ID token) or `username` (access token): the Cognito user name, which only an
 *   administrator sets (when creating the user) and nobody can change afterwards. Create each Cognito user
 *   with their team.yaml id as user name (`rep-anna`). The person must exist in team.yaml: that is where
 *   names, emails and lead ownership live. Attributes a user may write themselves (`custom:*`, `email`,
 *   `name`, …) never decide who they are: a forged `custom:personId` is ignored.
 */
import { DomainError } from '../errors';
import type { Person } from '../route/team';

export const APP_ROLES = ['sales', 'manager', 'ops'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export interface Principal {
  readonly personId: string;
  readonly role: AppRole;
  readonly name: string;
  readonly email: string;
}

export type Claims = Record<string, string | number | boolean | string[]>;

/** `cognito:groups` as a list: a JSON array, API Gateway's `[a b]` string, or a comma/space separated one. */
export const groupsOf = (claims: Claims): string[] => {
  const raw = claims['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  return raw
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
};

const PRECEDENCE: readonly AppRole[] = ['manager', 'ops', 'sales'];

export const roleOf = (groups: readonly string[]): AppRole | undefined =>
  PRECEDENCE.find((r) => groups.includes(r));

/** The app role a team.yaml role gets (used to mint local dev tokens): rep → sales, marketing → ops. */
export const appRoleForTeamRole = (role: Person['role']): AppRole =>
  role === 'manager' ? 'manager' : role === 'rep' ? 'sales' : 'ops';

/** The verified caller, or a DomainError: `unauthorized` without claims, `forbidden` without person or role. */
export const principalFromClaims = (
  claims: Claims | undefined,
  people: ReadonlyMap<string, Person>,
): Principal => {
  if (!claims) throw new DomainError('unauthorized', 'Sign in first: no verified token');
  const id = claims['cognito:username'] ?? claims.username;
  const person = typeof id === 'string' ? people.get(id) : undefined;
  if (!person) throw new DomainError('forbidden', 'Your account is not linked to a person in team.yaml');
  const role = roleOf(groupsOf(claims));
  if (!role) throw new DomainError('forbidden', 'Your account has no role (group sales, manager or ops)');
  return { personId: person.id, role, name: person.name, email: person.email };
};

/** The Cognito group of privacy officers (DPO): access and erasure requests, nothing else. */
export const PRIVACY_GROUP = 'privacy';

/**
 * A person who may serve access and erasure requests: in team.yaml, and in the `ops` or `privacy` group.
 * `unauthorized` without claims, `forbidden` otherwise.
 */
export const privacyOfficerFromClaims = (
  claims: Claims | undefined,
  people: ReadonlyMap<string, Person>,
): { readonly personId: string } => {
  if (!claims) throw new DomainError('unauthorized', 'Sign in first: no verified token');
  const id = claims['cognito:username'] ?? claims.username;
  const person = typeof id === 'string' ? people.get(id) : undefined;
  if (!person) throw new DomainError('forbidden', 'Your account is not linked to a person in team.yaml');
  const groups = groupsOf(claims);
  if (!groups.includes('ops') && !groups.includes(PRIVACY_GROUP))
    throw new DomainError('forbidden', 'Only ops or the privacy group may serve privacy requests');
  return { personId: person.id };
};
