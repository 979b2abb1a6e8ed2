/**
 * The name of each index of the leads table, by its role (infra/data-plane.ts). A deployment in the middle of
 * an index migration names them in `LEADS_INDEXES` (a JSON object role → index name, set by the stack with the
 * table's name); without it, the indexes are the ones defined now (a fresh deployment, the local stack, tests).
 */
import { indexStep, TABLES } from '../../infra/data-plane';

export type LeadIndexRole = (typeof TABLES.leads.globalSecondaryIndexes)[number]['role'];

const DEFINED: Readonly<Record<string, string>> = indexStep(TABLES.leads).names;

let fromEnv: { raw: string | undefined; names: Readonly<Record<string, string>> } | undefined;

const parse = (raw: string | undefined): Readonly<Record<string, string>> => {
  if (!raw) return DEFINED;
  const envVar = TABLES.leads.indexesEnvVar;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${envVar} must be a JSON object of index role → index name`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${envVar} must be a JSON object of index role → index name`);
  const names = parsed as Record<string, unknown>;
  for (const role of Object.keys(DEFINED))
    if (typeof names[role] !== 'string' || names[role] === '')
      throw new Error(`${envVar} names no index for role ${role}`);
  return names as Record<string, string>;
};

/** The index that serves `role` in this deployment. */
export const leadIndex = (role: LeadIndexRole): string => {
  const raw = process.env[TABLES.leads.indexesEnvVar];
  const current = fromEnv?.raw === raw && fromEnv ? fromEnv : { raw, names: parse(raw) };
  fromEnv = current;
  return current.names[role] as string;
};
