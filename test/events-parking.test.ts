/**
 * Events that arrive before their lead, on the in-process local stack: events posted by address for which no
 * lead exists are parked under the salted hash of the address (never the address), attached once when the lead
 * of that address is qualified, and re-scored; a replay attaches nothing twice. The privacy export shows parked
 * events and an erasure of the address removes them.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreVersion } from '../functions/agent/lead-record';
import { eraseByEmail } from '../functions/agent/privacy/erasure';
import { saltedEmailHash } from '../functions/agent/privacy/links';
import { DynamoErasureStore } from '../functions/platform/erasure-store-dynamodb';
import { DynamoPrivacyStore } from '../functions/platform/privacy-store-dynamodb';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const SECRET = 'integration-test-privacy-secret-parking-0123';

let p: PipelineStack;
beforeAll(async () => {
  p = await startPipelineStack({ env: { PRIVACY_SECRET: SECRET, EVENT_PARKING_DAYS: '30' } });
}, 300_000);
afterAll(async () => {
  await p?.stop();
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
    ).json()) as { parkedEvents?: { type: string }[]; leads: unknown[] };
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
    expect(result).toMatchObject({ status: 'done', counts: { items: 1 } });
    expect(await parkedItems(email)).toEqual([]);
  }, 120_000);
});
