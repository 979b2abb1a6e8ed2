/**
 * Signals beside the form, on the in-process local stack:
 * - events that arrive before their lead: events posted by address for which no lead exists are parked under the
 *   salted hash of the address (never the address), attached once when the lead of that address is qualified,
 *   and re-scored; a replay attaches nothing twice. The privacy export shows parked events and an erasure of the
 *   address removes them;
 * - account signals (POST /signals) reach every lead of the company through the `byDomain` index and a re-score,
 *   and a later lead of the company is qualified with them.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreVersion } from '../functions/agent/lead-record';
import { eraseByEmail } from '../functions/agent/privacy/erasure';
import { saltedEmailHash } from '../functions/agent/privacy/links';
import type { TestServer } from '../functions/agent/testing/http-server';
import { startJobsServer } from '../functions/agent/testing/jobs-server';
import { sampleLead } from '../functions/agent/testing/samples';
import { DynamoErasureStore } from '../functions/platform/erasure-store-dynamodb';
import { backfillDomainIndex, leadIdsByDomain } from '../functions/platform/lead-store-rescore';
import { DynamoPrivacyStore } from '../functions/platform/privacy-store-dynamodb';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const SECRET = 'integration-test-privacy-secret-parking-0123';

let p: PipelineStack;
let jobs: TestServer;
beforeAll(async () => {
  jobs = await startJobsServer({ recruitee: true });
  p = await startPipelineStack({
    env: {
      PRIVACY_SECRET: SECRET,
      EVENT_PARKING_DAYS: '30',
      JOB_BOARD_GREENHOUSE_URL: jobs.origin,
      JOB_BOARD_LEVER_URL: jobs.origin,
      JOB_BOARD_RECRUITEE_URL: `${jobs.origin}/recruitee/{company}`,
      // A busy test machine answers slowly; the tools' own timeouts are tested in their unit tests.
      ENRICH_TOOL_TIMEOUTS_MS: JSON.stringify({
        registry: 5_000,
        website: 5_000,
        email: 5_000,
        intent: 5_000,
        jobs: 5_000,
      }),
    },
  });
}, 300_000);
afterAll(async () => {
  await p?.stop();
  await jobs?.close();
});

const postEvents = async (events: unknown[]) => {
  const res = await fetch(`${p.stack.url}/events?source=site`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, number> };
};

const parkedItems = async (email: string) =>
  (
    await p.db.send(
      new QueryCommand({
        TableName: p.stack.env.LEADS_TABLE!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PARKED#${saltedEmailHash(SECRET, email)}` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe('events before their lead', () => {
  it('parks events by address, attaches them once when the lead arrives and re-scores it', async () => {
    // Prepare
    const submission = roostrSubmission(p.site.origin);
    const email = submission.email;
    const hour = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const early = [
      { id: `park-${Date.now()}-1`, type: 'pricing_page', occurredAt: hour(3), email: email.toUpperCase() },
      { id: `park-${Date.now()}-2`, type: 'webinar', occurredAt: hour(2), email },
    ];
    // Act
    const parked = await postEvents(early);
    const replayed = await postEvents(early);
    const stored = await parkedItems(email);
    const leadId = await p.post(submission);
    const lead = await p.waitForLead(
      leadId,
      (l) =>
        ((l as { scoreHistory?: ScoreVersion[] }).scoreHistory?.[0]?.cause ?? '').startsWith('events:2:'),
      150_000,
    );
    const after = await postEvents(early);
    // Assess
    expect(parked).toEqual({ status: 200, body: expect.objectContaining({ parked: 2, unknown: 0 }) });
    expect(replayed.body).toMatchObject({ parked: 0, duplicates: 2 });
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored).toLowerCase()).not.toContain(email.toLowerCase());
    expect(Number(stored[0]?.expiresAt)).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    const history = lead.scoreHistory as ScoreVersion[];
    expect(history.map((v) => v.version)).toEqual([2, 1]);
    expect(history[0]?.score.ledger.find((l) => l.ruleId === 'webinar')?.fired).toBe(true);
    expect(await parkedItems(email)).toEqual([]);
    // The same events again now reach the lead by its address, as repeats.
    expect(after.body).toMatchObject({ accepted: 0, duplicates: 2, parked: 0 });
  }, 240_000);

  it('shows parked events in the privacy export and erases them with the address', async () => {
    // Prepare
    const email = `nobody-yet-${Date.now()}@parking.example`;
    await postEvents([{ id: `px-${email}`, type: 'download', occurredAt: new Date().toISOString(), email }]);
    const t = { db: p.db, table: p.stack.env.LEADS_TABLE!, now: () => new Date() };
    const store = new DynamoPrivacyStore(t);
    const before = await store.parkedItems(saltedEmailHash(SECRET, email));
    const exported = (await (
      await fetch(`${p.stack.url}/privacy/export?email=${encodeURIComponent(email)}`, {
        headers: { authorization: 'Bearer ops' },
      })
    ).json()) as { parkedEvents?: { type: string }[]; leads: unknown[]; summary: { en: string; nl: string } };
    // Act
    const result = await eraseByEmail(
      {
        store,
        jobs: new DynamoErasureStore(t),
        crm: () => undefined,
        secret: SECRET,
        auditRetentionDays: 30,
        now: () => new Date(),
      },
      email,
      { by: 'ops-lars', via: 'ops' },
    );
    // Assess
    expect(before).toHaveLength(1);
    expect(exported.leads).toEqual([]);
    expect(exported.parkedEvents?.map((e) => e.type)).toEqual(['download']);
    expect(exported.summary.en).toContain('We also hold 1 activity');
    expect(exported.summary.nl).toContain('1 activiteit');
    expect(result).toMatchObject({ status: 'done', counts: { items: 1 } });
    expect(await parkedItems(email)).toEqual([]);
  }, 120_000);

  it('applies an account signal to every lead of its company, and to a lead of it that comes later', async () => {
    // Prepare: two leads of one company, qualified
    const domain = `signals-${Date.now()}.nl`;
    const submit = (n: number) =>
      p.post(roostrSubmission(p.site.origin, { email: `eva${n}@${domain}`, website: `https://${domain}` }));
    const [a, b] = [await submit(1), await submit(2)];
    for (const id of [a, b])
      await p.waitForLead(id, (l) => l.status === 'drafted' || l.status === 'nurture', 120_000);
    const signal = {
      id: `funding-${domain}`,
      domain: `https://www.${domain}/news`,
      type: 'funding',
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      detail: 'Series A of €5M',
      url: `https://news.example/${domain}`,
    };
    // Act
    const res = await fetch(`${p.stack.url}/signals?source=newsfeed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signals: [signal] }),
    });
    const answer = (await res.json()) as Record<string, number>;
    const rescored = await Promise.all(
      [a, b].map((id) =>
        p.waitForLead(
          id,
          (l) =>
            ((l as { scoreHistory?: ScoreVersion[] }).scoreHistory?.[0]?.cause ?? '').includes('+signals:1:'),
          150_000,
        ),
      ),
    );
    const later = await submit(3);
    const third = await p.waitForLead(later, (l) => l.score !== undefined, 120_000);
    const bad = await fetch(`${p.stack.url}/signals?source=newsfeed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signals: [{ ...signal, domain: 'nope' }] }),
    });
    // Assess
    expect(res.status).toBe(200);
    expect(answer).toMatchObject({ accepted: 1, leads: 2 });
    for (const lead of [...rescored, third])
      expect(
        lead.score?.ledger.find((l) => l.ruleId === 'funding'),
        `${lead.leadId === later ? 'the later' : 'an existing'} lead (intent tool: ${JSON.stringify(lead.enrichment?.tools.intent)})`,
      ).toMatchObject({
        fired: true,
        evidence: { source: 'signal', quote: 'Series A of €5M (newsfeed)', url: signal.url },
      });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { field: string }[] }).issues[0]?.field).toBe(
      'signals[0].domain',
    );
  }, 400_000);

  it('backfills the company-domain index of leads stored before it existed, once', async () => {
    // Prepare: a lead item as an older version stored it (no index keys)
    const domain = `backfill-${Date.now()}.nl`;
    const leadId = `01BACKFILL${String(Date.now()).slice(-16)}`;
    const base = sampleLead();
    await p.put({
      pk: `LEAD#${leadId}`,
      sk: 'LEAD',
      leadId,
      receivedAt: new Date().toISOString(),
      status: 'nurture',
      lead: { ...base, company: { ...base.company, domain } },
    });
    const t = { db: p.db, table: p.stack.env.LEADS_TABLE!, now: () => new Date() };
    // Act
    const first = await backfillDomainIndex(t);
    const again = await backfillDomainIndex(t);
    // Assess
    expect(first).toBeGreaterThanOrEqual(1);
    expect(again).toBe(0);
    expect(await leadIdsByDomain(t, domain)).toEqual([leadId]);
  }, 120_000);

  it('qualifies a lead with the job postings of its company’s careers page and job boards', async () => {
    // Prepare
    const submission = roostrSubmission(jobs.origin, { email: `eva.${Date.now()}@jobs-roostr.nl` });
    // Act
    const leadId = await p.post(submission);
    const lead = await p.waitForLead(leadId, (l) => l.score !== undefined, 120_000);
    // Assess
    expect(lead.enrichment?.tools.jobs?.status).toBe('ok');
    expect(lead.enrichment?.jobs).toMatchObject({ openPositions: 6, salesRoles: 3, engineeringRoles: 2 });
    expect(lead.score?.ledger.find((l) => l.ruleId === 'hiring-sales-reps')).toMatchObject({
      fired: true,
      evidence: { source: 'jobs', quote: 'Accountmanager MKB (recruitee)' },
    });
    expect(lead.score?.ledger.find((l) => l.ruleId === 'open-positions-5')?.fired).toBe(true);
  }, 200_000);
});
