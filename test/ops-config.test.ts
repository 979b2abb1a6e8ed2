/**
 * Scoring rules, routing and team as versioned data on the local stack: the ops API validates a document with
 * issues naming the rule and field (422), keeps drafts apart from the published version, and the qualify step
 * scores the next lead with the version just published — no redeploy — and records which version it used.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

let p: PipelineStack;
beforeAll(async () => {
  // The qualify step re-reads the published version every second here (30 s by default).
  p = await startPipelineStack({ env: { CONFIG_CACHE_SECONDS: '1' } });
});
afterAll(async () => {
  await p?.stop();
});

interface Version {
  version: number;
  yaml: string;
  status: string;
  author: string;
  note: string;
}
interface ConfigState {
  kind: string;
  published: Version;
  versions: Omit<Version, 'yaml'>[];
  version?: Version;
}

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${p.stack.url}${path}`, {
    method,
    headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as ConfigState & { issues?: { field: string; message: string }[] },
  };
};

const pointsOf = (lead: { score?: { ledger: { ruleId: string; points: number }[] } }, ruleId: string) =>
  lead.score?.ledger.find((e) => e.ruleId === ruleId)?.points;

const scoredLead = async () => {
  const leadId = await p.post(roostrSubmission(p.site.origin));
  return p.waitForLead(leadId, (l) => l.route !== undefined, 90_000);
};

/** Waits past the qualify step's one-second cache. */
const pastCache = () => new Promise((r) => setTimeout(r, 1_500));

describe('ops API: versioned scoring rules, routing and team', () => {
  it('seeds version 1 from the shipped files', async () => {
    // Act
    const rules = await api('GET', '/ops/config/rules');
    const team = await api('GET', '/ops/config/team');
    const unknown = await api('GET', '/ops/config/prices');
    // Assess
    expect(rules.status).toBe(200);
    expect(rules.body.published).toMatchObject({ version: 1, author: 'seed', status: 'published' });
    expect(rules.body.published.yaml).toContain('employees-10-200');
    expect(team.body.published.yaml).toContain('people:');
    expect(unknown.status).toBe(404);
  });

  it('refuses an invalid document with 422 naming the rule and field, and keeps the published version', async () => {
    // Prepare
    const { body } = await api('GET', '/ops/config/rules');
    const routing = (await api('GET', '/ops/config/routing')).body.published.yaml;
    const teamName = /team: ([a-z-]+)/.exec(routing)![1]!;
    // Act
    const badRules = await api('PUT', '/ops/config/rules', {
      yaml: body.published.yaml.replace('points: 20', 'points: twenty'),
      note: 'typo',
      publish: true,
    });
    const badRouting = await api('PUT', '/ops/config/routing', {
      yaml: routing.replace(`team: ${teamName}`, 'team: enterprize'),
      note: 'typo',
    });
    const after = await api('GET', '/ops/config/rules');
    // Assess
    expect(badRules.status).toBe(422);
    expect(badRules.body.issues?.[0]).toMatchObject({ field: 'yaml: rules[0] (employees-10-200).points' });
    expect(badRouting.status).toBe(422);
    expect(JSON.stringify(badRouting.body.issues)).toContain('unknown team \\"enterprize\\"');
    expect(after.body.published.version).toBe(1);
    expect(after.body.versions).toHaveLength(1);
  });

  it('a draft changes nothing; publishing it changes the next lead’s score; rollback restores it', async () => {
    // Prepare: a draft that weighs 10–200 employees at 5 points instead of 20
    const shipped = (await api('GET', '/ops/config/rules')).body.published.yaml;
    const draft = await api('PUT', '/ops/config/rules', {
      yaml: shipped.replace('points: 20', 'points: 5'),
      note: 'size is weaker than we thought',
    });
    expect(draft.status).toBe(200);
    expect(draft.body.version).toMatchObject({ version: 2, status: 'draft', author: 'ops-lars' });
    expect(draft.body.published.version).toBe(1);
    await pastCache();
    const underDraft = await scoredLead();

    // Act: publish the draft
    const published = await api('POST', '/ops/config/rules/publish', { version: 2, expectedPublished: 1 });
    await pastCache();
    const underV2 = await scoredLead();
    // … and roll back to the shipped version
    const rolled = await api('POST', '/ops/config/rules/rollback', { version: 1 });
    await pastCache();
    const underV3 = await scoredLead();

    // Assess
    expect(pointsOf(underDraft, 'employees-10-200')).toBe(20);
    expect(underDraft.score?.rulesVersion).toMatch(/@v1\+/);
    expect(published.status).toBe(200);
    expect(published.body.published).toMatchObject({ version: 2, status: 'published' });
    expect(pointsOf(underV2, 'employees-10-200')).toBe(5);
    expect(underV2.score?.rulesVersion).toMatch(/@v2\+/);
    expect(rolled.body.published).toMatchObject({ version: 3, note: 'rollback to version 1' });
    expect(pointsOf(underV3, 'employees-10-200')).toBe(20);
    expect(underV3.score?.rulesVersion).toMatch(/@v3\+/);
    expect(rolled.body.versions.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('a stale publish is refused as a conflict', async () => {
    // Prepare
    const state = (await api('GET', '/ops/config/rules')).body;
    const draft = await api('PUT', '/ops/config/rules', { yaml: state.published.yaml, note: 'same again' });
    // Act
    const stale = await api('POST', '/ops/config/rules/publish', {
      version: draft.body.version!.version,
      expectedPublished: state.published.version - 1,
    });
    // Assess
    expect(stale.status).toBe(409);
    expect((await api('GET', '/ops/config/rules')).body.published.version).toBe(state.published.version);
  });

  it('routing reads the published team: the route records the team version', async () => {
    // Prepare
    const team = (await api('GET', '/ops/config/team')).body.published.yaml;
    // Act
    const res = await api('PUT', '/ops/config/team', {
      yaml: team.replace(/^version: .*$/m, 'version: "ops-edit"'),
      note: 'new version label',
      publish: true,
    });
    await pastCache();
    const lead = await scoredLead();
    // Assess
    expect(res.status).toBe(200);
    expect(lead.route?.routingVersion).toMatch(/\+ops-edit@v2$/);
  });
});

interface BacktestAnswer {
  leads: number;
  withOutcome: number;
  positives: number;
  draft: { version: number | null; rulesVersion: string };
  published: { version: number };
  report: {
    auc: number;
    tiers: { tiers: Record<string, { leads: number }> };
    compare: {
      auc: number;
      changed: number;
      tiers: { tiers: Record<string, { leads: number }> };
      better: { lead: string }[];
      worse: { lead: string }[];
    };
  };
}

describe('ops API: backtest a draft on the stored leads', () => {
  it('evaluates a draft against the published version on leads of known outcome, with examples', async () => {
    // Prepare: four scored leads, two got a meeting and two were lost
    const leads = [];
    for (let i = 0; i < 4; i++) leads.push(await scoredLead());
    const statuses = ['meeting', 'lost', 'meeting', 'lost'];
    for (const [i, lead] of leads.entries())
      await p.db.send(
        new UpdateCommand({
          TableName: p.stack.provisioned.tables.leads,
          Key: { pk: `LEAD#${lead.leadId}`, sk: 'LEAD' },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': statuses[i] },
        }),
      );
    const published = (await api('GET', '/ops/config/rules')).body.published.yaml;
    const stricter = published
      .replace(/warm: \[(\d+), \d+\]/, 'warm: [$1, 499]')
      .replace(/hot: \[\d+, null\]/, 'hot: [500, null]');
    expect(stricter).not.toBe(published);
    // Act
    const res = await fetch(`${p.stack.url}/ops/rules/backtest`, {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: JSON.stringify({ yaml: stricter }),
    });
    const body = (await res.json()) as BacktestAnswer;
    const invalid = await fetch(`${p.stack.url}/ops/rules/backtest`, {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: JSON.stringify({ yaml: published.replace('points: 20', 'points: twenty') }),
    });
    // Assess
    expect(res.status).toBe(200);
    expect(body.withOutcome).toBeGreaterThanOrEqual(4);
    expect(body.positives).toBeGreaterThanOrEqual(2);
    expect(body.draft.version).toBeNull();
    const hotBefore = body.report.compare.tiers.tiers.hot!.leads;
    expect(hotBefore).toBeGreaterThan(0);
    expect(body.report.tiers.tiers.hot!.leads).toBe(0);
    expect(body.report.compare.changed).toBe(hotBefore);
    const examples = [...body.report.compare.better, ...body.report.compare.worse].map((c) => c.lead);
    expect(examples.length).toBeGreaterThan(0);
    expect(leads.map((l) => l.leadId)).toEqual(expect.arrayContaining(examples));
    expect(invalid.status).toBe(422);
  });
});
