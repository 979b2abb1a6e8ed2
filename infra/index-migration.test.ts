/**
 * The staged index migration of the leads table (infra/data-plane.ts `indexMigrationSteps`, context
 * `leadIndexMigrationStep`): each step's template is what CloudFormation can apply to the one before it (one GSI
 * created or deleted on the table), step 0 is the stack as deployed before the keys-only indexes, the last step
 * is a fresh deployment, and no function is ever configured to read an index its step's table does not have.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionDef, indexMigrationSteps, TABLES } from './data-plane';
import { REPO_ROOT } from './lead-function';
import { LeadQualifierStack } from './lead-qualifier-stack';

const ENTRY_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'lead-qualifier-index-migration-test-entries');

const emptyEntry = (_name: string, def: FunctionDef): string => {
  const path = join(ENTRY_ROOT, def.entry);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'export const handler = async () => ({ statusCode: 200 });\n');
  return path;
};

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; assertions narrow it.
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
interface Gsi {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}
interface Synthesised {
  json: { Resources: Resources };
  tableId: string;
  gsis: Map<string, Gsi>;
}

const synth = (step?: number): Synthesised => {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      sesFromAddress: 'sales@example.com',
      ...(step === undefined ? {} : { leadIndexMigrationStep: String(step) }),
    },
  });
  const stack = new LeadQualifierStack(app, 'TestStack', {
    env: { account: '123456789012', region: 'eu-west-1' },
    entryFor: emptyEntry,
  });
  const json = Template.fromStack(stack).toJSON() as { Resources: Resources };
  const tableId = stack.resolve((stack.tables.leads.node.defaultChild as CfnElement).logicalId) as string;
  const gsis = new Map<string, Gsi>(
    ((json.Resources[tableId]?.Properties.GlobalSecondaryIndexes ?? []) as Gsi[]).map((g) => [
      g.IndexName,
      g,
    ]),
  );
  return { json, tableId, gsis };
};

const steps = indexMigrationSteps(TABLES.leads);
let byStep: Synthesised[] = [];
let fresh: Synthesised;

beforeAll(() => {
  // Prepare: every step, and the template without the context
  byStep = steps.map((_, step) => synth(step));
  fresh = synth();
}, 900_000);

afterAll(() => {
  rmSync(ENTRY_ROOT, { recursive: true, force: true });
});

const keysOf = (name: string) => {
  const def = TABLES.leads.globalSecondaryIndexes.find(
    (i) => i.indexName === name || ('formerly' in i && i.formerly.indexName === name),
  );
  if (!def) throw new Error(`no definition holds index ${name}`);
  return [
    { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
    { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
  ];
};

describe('leads table index migration', () => {
  it('starts from the indexes deployed before: nine indexes, every one projecting all attributes', () => {
    // Assess
    const first = byStep[0] as Synthesised;
    expect([...first.gsis.keys()].sort()).toEqual(
      [
        'byOwner',
        'drafts',
        'outbox',
        'listByPriority',
        'listBySla',
        'ownerByPriority',
        'byEmail',
        'byDomain',
        'byExpiry',
      ].sort(),
    );
    for (const [name, gsi] of first.gsis) {
      expect(gsi.Projection, name).toEqual({ ProjectionType: 'ALL' });
      expect(gsi.KeySchema, name).toEqual(keysOf(name));
    }
  });

  it('changes one index per deploy: each step creates or deletes exactly one, the others untouched', () => {
    // Assess
    for (let step = 1; step < byStep.length; step++) {
      const before = (byStep[step - 1] as Synthesised).gsis;
      const after = (byStep[step] as Synthesised).gsis;
      const created = [...after.keys()].filter((n) => !before.has(n));
      const deleted = [...before.keys()].filter((n) => !after.has(n));
      expect(created.length + deleted.length, `step ${step}`).toBe(1);
      for (const [name, gsi] of after)
        if (before.has(name)) expect(gsi, `step ${step} ${name}`).toEqual(before.get(name));
    }
  });

  it('ends exactly where a fresh deployment starts, with keys-only indexes for the readers by key', () => {
    // Assess
    const last = byStep[byStep.length - 1] as Synthesised;
    expect(last.json).toEqual(fresh.json);
    const projection = (name: string) => fresh.gsis.get(name)?.Projection;
    for (const name of ['outboxKeys', 'byEmailKeys', 'byDomainKeys', 'byExpiryKeys'])
      expect(projection(name), name).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(projection('listBySlaRows')).toMatchObject({ ProjectionType: 'INCLUDE' });
    for (const name of ['byOwner', 'drafts', 'listByPriority', 'ownerByPriority'])
      expect(projection(name), name).toEqual({ ProjectionType: 'ALL' });
    expect(fresh.gsis.size).toBe(9);
  });

  it('configures every function, at every step, with index names its table has, updated after the table', () => {
    // Assess
    const roles = TABLES.leads.globalSecondaryIndexes.map((i) => i.role).sort();
    byStep.forEach(({ json, tableId, gsis }, step) => {
      const functions = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      const withTable = functions.filter((f) => f.Properties.Environment?.Variables?.LEADS_TABLE);
      expect(withTable.length).toBe(
        Object.values(FUNCTIONS as Record<string, FunctionDef>).filter((d) => !d.localOnly && d.tables.leads)
          .length,
      );
      for (const fn of withTable) {
        const vars = fn.Properties.Environment.Variables;
        // The function refers to the table, so CloudFormation updates it after the table's index change.
        expect(vars.LEADS_TABLE).toEqual({ Ref: tableId });
        const names = JSON.parse(vars.LEADS_INDEXES) as Record<string, string>;
        expect(Object.keys(names).sort()).toEqual(roles);
        for (const [role, name] of Object.entries(names))
          expect(gsis.has(name), `step ${step} ${role} → ${name}`).toBe(true);
      }
    });
  });

  it('refuses a step outside the migration', () => {
    // Act + Assess
    expect(() => synth(steps.length)).toThrow(/index migration step must be an integer from 0/);
    expect(() => synth(Number.NaN)).toThrow(/must be an integer/);
  });
});
