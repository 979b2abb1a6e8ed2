/**
 * Re-qualification on the emulators with the real qualify handler: a lead nurtured 100 days ago is queued by the
 * daily job, the qualify function runs the enrichment tools again past their cache (the company site and the
 * KvK stand-in are asked again) and stores the fresh enrichment with a `requalify:<date>` score version; a second
 * run the same day, and a repeated message, add nothing.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreVersion } from '../functions/agent/lead-record';
import { type PipelineStack, startPipelineStack } from './support/pipeline-stack';

let p: PipelineStack;

beforeAll(async () => {
  p = await startPipelineStack();
}, 120_000);
afterAll(async () => {
  await p?.stop();
});

/** The enrichment cache's items (a test may scan): key → when it expires (seconds). */
const cacheItems = async () => {
  const out = await p.db.send(
    new ScanCommand({
      TableName: p.stack.env.LEADS_TABLE!,
      FilterExpression: 'begins_with(pk, :c)',
      ExpressionAttributeValues: { ':c': 'CACHE#' },
    }),
  );
  return new Map((out.Items ?? []).map((i) => [String(i.pk), Number(i.expiresAt)]));
};

const history = async (leadId: string) =>
  ((await p.getLead(leadId)) as unknown as { scoreHistory: ScoreVersion[] }).scoreHistory;

describe('re-qualifying old nurtured leads on the local stack', () => {
  it('enriches a 100-day-old nurture lead afresh with a requalify version, once a day', async () => {
    // Prepare: a nurtured lead whose enrichment is made 100 days old
    const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
    const { runDailyRescore } = await import('../functions/agent/pipeline/rescore-lead');
    const { sqsLeadQueue } = await import('../functions/platform/lead-queues');
    const { shippedRules } = await import('../functions/platform/shipped-rules');
    const { shippedPeople } = await import('../functions/platform/shipped-routing');
    const form = (n: number) => ({
      email: `klusjes${n}.${Date.now()}@gmail.com`,
      first_name: 'Tom',
      company: 'Toms Klusbedrijf',
      employees: '1',
      country: 'NL',
      message: 'Wat kost het ongeveer?',
      form_type: 'contact',
    });
    const leadId = await p.post(form(1));
    const qualified = await p.waitForLead(leadId, (l) => l.route !== undefined, 120_000);
    expect(qualified.status).toBe('nurture');
    // A second lead of the same company: the registry's answer comes from the cache now.
    const sibling = await p.post(form(2));
    const cachedOne = await p.waitForLead(sibling, (l) => l.route !== undefined, 120_000);
    expect(cachedOne.enrichment?.tools.registry).toMatchObject({ status: 'ok', cached: true });
    const table = p.stack.env.LEADS_TABLE!;
    const longAgo = new Date(Date.now() - 100 * 86_400_000).toISOString();
    await p.db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
        UpdateExpression: 'SET #steps.#enrich.#at = :at',
        ExpressionAttributeNames: { '#steps': 'steps', '#enrich': 'enrich', '#at': 'at' },
        ExpressionAttributeValues: { ':at': longAgo },
      }),
    );
    const kvkRequests = p.kvk.requests.length;
    const cachedBefore = await cacheItems();
    // Cache expiry is in whole seconds: a refill must be able to move it.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(qualified.enrichment?.tools.registry?.status).toBe('ok');
    const now = () => new Date();
    const daily = {
      store: new DynamoLeadStore(p.db, table, now),
      rules: shippedRules,
      now,
      ownerIds: [...shippedPeople().keys()],
      requalify: { afterDays: 90, queue: sqsLeadQueue(p.sqs, p.stack.env.QUALIFY_QUEUE_URL!) },
    };

    // Act
    const first = await runDailyRescore(daily);
    const requalified = await p.waitForLead(
      leadId,
      (l) => (l.steps?.enrich?.at ?? longAgo) > longAgo,
      120_000,
    );
    const versions = await history(leadId);
    const cachedAfter = await cacheItems();
    const second = await runDailyRescore(daily);
    // A repeated message (a redelivery) finds the lead no longer due.
    await daily.requalify.queue.send({ leadId, requalify: true });
    await new Promise((r) => setTimeout(r, 8_000));
    const after = await history(leadId);

    // Assess
    expect(first).toMatchObject({ leads: 2, requalifying: 1 });
    expect(second).toMatchObject({ requalifying: 0 });
    // The tools ran again past their cache: the registry was asked anew, the answers are not cached ones.
    expect(p.kvk.requests.length).toBeGreaterThan(kvkRequests);
    expect(requalified.enrichment?.tools.registry).toMatchObject({ status: 'ok', cached: false });
    // …and refilled it: the cached answers were written again (a later expiry).
    const refilled = [...cachedBefore].filter(([k, exp]) => (cachedAfter.get(k) ?? 0) > exp);
    expect(refilled.length).toBeGreaterThan(0);
    const [latest, qualify] = versions;
    const today = new Date().toISOString().slice(0, 10);
    expect(latest).toMatchObject({ version: 2, cause: `requalify:${today}` });
    expect(qualify).toMatchObject({ version: 1, cause: 'qualify' });
    expect(latest!.score.ledger.length).toBeGreaterThan(0);
    expect(latest!.delta.total).toBe(Math.round((latest!.score.total - qualify!.score.total) * 100) / 100);
    expect(requalified.score?.total).toBe(latest!.score.total);
    expect(after.filter((v) => v.cause.startsWith('requalify:'))).toHaveLength(1);
    expect(new Set(after.map((v) => v.cause)).size).toBe(after.length);
  }, 300_000);
});
