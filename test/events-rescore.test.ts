/**
 * POST /events → debounced re-score → GET /leads/{id} scoreHistory, on the emulators with the real handlers and
 * the rescore queue's poller: a burst of 50 events gives a handful of versions, each cause once; repeats are
 * counted, not errors; a signed source's signature is checked.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGeneric } from '../functions/agent/intake/signatures';
import { saltedEmailHash } from '../functions/agent/privacy/links';
import { suppressionKey } from '../functions/platform/lead-item';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let sofie: string;

interface Version {
  version: number;
  cause: string;
  score: { total: number };
  delta: { total: number };
}
const history = async (leadId: string) =>
  ((await stack.api('GET', `/leads/${leadId}`, sofie)).body.scoreHistory ?? []) as Version[];

const post = async (body: unknown, query = 'source=site', headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  const res = await fetch(`${stack.url}/events?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const events = (leadId: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e-${leadId}-${from + i}`,
    type: (['page_view', 'pricing_page', 'download', 'webinar', 'email_click'] as const)[(from + i) % 5],
    occurredAt: new Date(Date.now() - (from + i) * 60_000).toISOString(),
    leadId,
    ...((from + i) % 5 === 0 ? { url: `https://example.com/p/${from + i}` } : {}),
  }));

const PRIVACY_SECRET = 'events-test-privacy-secret-0123456789abcdef';

beforeAll(async () => {
  process.env.EVENT_SECRETS = JSON.stringify({ signed: 'event-secret' });
  process.env.PRIVACY_SECRET = PRIVACY_SECRET;
  stack = await startReviewStack({ handoff: 'review' });
  sofie = await stack.token('mgr-sofie');
});
afterAll(async () => {
  delete process.env.EVENT_SECRETS;
  delete process.env.PRIVACY_SECRET;
  await stack?.stop();
});

describe('events and a living score', () => {
  it('re-scores a burst of 50 events a handful of times, each cause once, the last one seeing all 50', async () => {
    // Prepare
    const leadId = await stack.seed({});
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    // Act
    const answers = await Promise.all(
      [0, 10, 20, 30, 40].map((from) => post({ events: events(leadId, from, 10) })),
    );
    await waitFor(async () => (await history(leadId))[0]?.cause.startsWith('events:50:') === true, 150_000);
    const versions = await history(leadId);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.reduce((s, a) => s + (a.body.accepted as number), 0)).toBe(50);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions.length).toBeLessThanOrEqual(7);
    expect(versions.map((v) => v.version)).toEqual([...versions.map((v) => v.version)].sort((a, b) => b - a));
    expect(versions.at(-1)).toMatchObject({ version: 1, cause: 'qualify' });
    expect(new Set(versions.map((v) => v.cause)).size).toBe(versions.length);
    const lead = await stack.lead(leadId);
    expect(lead?.score?.total).toBe(versions[0]?.score.total);
    expect(lead?.rescoreRequestedAt).toBeUndefined();
  });

  it('counts repeats and unknown leads as such, never as errors', async () => {
    // Prepare
    const leadId = await stack.seed({});
    const batch = { events: events(leadId, 0, 3) };
    await post(batch);
    // Act
    const again = await post({ events: [...batch.events, ...events('01JZZZZZZZZZZZZZZZZZZZZZZZ', 0, 2)] });
    // Assess
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 3, unknown: 2 } });
  });

  it('an email reply raises the score with its evidence; an unsubscribe suppresses the address, known or not', async () => {
    // Prepare
    const leadId = await stack.seed({});
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    const address = (await stack.lead(leadId))!.lead.person.email!;
    const stranger = `stranger-${leadId.toLowerCase()}@example.test`;
    const at = new Date(Date.now() - 60_000).toISOString();
    const suppression = async (email: string) =>
      (
        await stack.db.send(
          new GetCommand({
            TableName: stack.table,
            Key: suppressionKey(saltedEmailHash(PRIVACY_SECRET, email)),
            ConsistentRead: true,
          }),
        )
      ).Item;
    // Act
    const answer = await post(
      {
        events: [
          { id: `r-${leadId}`, type: 'email_reply', occurredAt: at, leadId },
          { id: `u-${leadId}`, type: 'unsubscribe', occurredAt: at, email: stranger },
        ],
      },
      'source=mailtool',
    );
    await waitFor(async () => (await history(leadId))[0]?.cause.startsWith('events:1:') === true, 150_000);
    const lead = await stack.lead(leadId);
    await post(
      { events: [{ id: `u2-${leadId}`, type: 'unsubscribe', occurredAt: at, leadId }] },
      'source=mailtool',
    );
    // Assess
    expect(answer).toMatchObject({ status: 200, body: { accepted: 1, unknown: 0, parked: 1 } });
    expect(lead?.score?.ledger.find((l) => l.ruleId === 'email-reply')).toMatchObject({
      fired: true,
      evidence: { source: 'event', quote: 'email_reply via mailtool', at },
    });
    expect(await suppression(stranger)).toMatchObject({ reason: 'unsubscribe', noProfiling: false });
    expect(await suppression(address)).toMatchObject({ reason: 'unsubscribe' });
    expect(JSON.stringify(await suppression(address))).not.toContain(address);
  });

  it('answers a bad event with 400 naming the field, and checks a signed source’s signature', async () => {
    // Prepare
    const leadId = await stack.seed({});
    const body = { events: events(leadId, 0, 1) };
    // Act
    const bad = await post({ events: [{ ...body.events[0], occurredAt: 'now' }] });
    const unsigned = await post(body, 'source=signed');
    const forged = await post(body, 'source=signed', { 'x-signature': signGeneric('{}', 'event-secret') });
    const signed = await post(body, 'source=signed', {
      'x-signature': signGeneric(JSON.stringify(body), 'event-secret'),
    });
    // Assess
    expect(bad.status).toBe(400);
    expect((bad.body.issues as { field: string }[])[0]?.field).toBe('events[0].occurredAt');
    expect([unsigned.status, forged.status]).toEqual([401, 401]);
    expect(signed).toMatchObject({ status: 200, body: { accepted: 1 } });
  });
});
