/**
 * Qualification end to end on the in-process local stack: POST /leads → intake → qualify queue → enrich (a
 * local company site, the local KvK stand-in) → score → route, read back through GET /leads/{id} and the
 * table itself. Redelivery, a poison lead in the DLQ and a slow enrichment target included.
 */
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../infra/data-plane';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

let p: PipelineStack;
beforeAll(async () => {
  p = await startPipelineStack();
});
afterAll(async () => {
  await p?.stop();
});

/** Tickets the team's rotation has handed out, over all its availability sets (`RR#<team>` / `SEQ#…`). */
const ticketsOf = async (team: string): Promise<number> => {
  const { Items = [] } = await p.db.send(
    new QueryCommand({
      TableName: p.stack.provisioned.tables.leads,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RR#${team}` },
      ConsistentRead: true,
    }),
  );
  return Items.reduce((sum, i) => sum + Number(i.seq ?? 0), 0);
};

const ledgerIds = (lead: { score?: { ledger: { ruleId: string }[] } }) =>
  (lead.score?.ledger ?? []).map((e) => e.ruleId);

describe('qualify pipeline on the local stack', () => {
  it('enriches from the company site and KvK, scores on three axes with a full ledger and routes with an SLA', async () => {
    // Prepare
    const body = roostrSubmission(p.site.origin);
    // Act
    const leadId = await p.post(body);
    // The route step's timing is written just after the route itself.
    const lead = await p.waitForLead(leadId, (l) => l.steps?.route !== undefined);
    // Assess
    expect(lead.status === 'routed' || lead.status === 'drafted').toBe(true);
    expect(p.site.hits).toBeGreaterThan(0);
    expect(p.kvk.requests.length).toBeGreaterThan(0);
    expect(lead.enrichment?.tools.website?.status).toBe('ok');
    expect(lead.enrichment?.website?.title).toContain('Roostr');
    expect(lead.enrichment?.tools.registry?.status).toBe('ok');
    expect(lead.enrichment?.registry).toMatchObject({ kvkNumber: expect.stringMatching(/^\d{8}$/) });
    const score = lead.score!;
    expect(score.total).toBe(score.fit + score.intent + score.engagement);
    expect(score.fit).toBeGreaterThan(0);
    expect(score.engagement).toBeGreaterThan(0);
    expect(['warm', 'hot']).toContain(score.tier);
    expect(score.quadrant).toBeTruthy();
    // Every rule of the shipped file is in the ledger, fired or not.
    expect(ledgerIds(lead)).toEqual(
      expect.arrayContaining(['employees-10-200', 'demo-request', 'free-mail', 'inactive-90-days']),
    );
    expect(score.ledger.find((e) => e.ruleId === 'demo-request')).toMatchObject({ fired: true });
    expect(score.ledger.find((e) => e.ruleId === 'free-mail')).toMatchObject({ fired: false, awarded: 0 });
    expect(lead.route).toMatchObject({ kind: 'owner', ownerId: expect.stringMatching(/^rep-/) });
    expect(lead.route?.slaDueAt).toBeTruthy();
    expect(lead.route?.reason).toBeTruthy();
    for (const step of ['enrich', 'score', 'route'] as const) {
      expect(lead.steps?.[step]?.ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(lead.steps?.[step]?.at ?? '')).not.toBeNaN();
    }
  });

  it('sends a free-mail one-person company to nurture without a rep', async () => {
    // Prepare
    const body = {
      email: `klusjes${Date.now()}@gmail.com`,
      first_name: 'Tom',
      company: 'Toms Klusbedrijf',
      employees: '1',
      country: 'NL',
      message: 'Wat kost het ongeveer?',
      form_type: 'contact',
    };
    // Act
    const leadId = await p.post(body);
    const lead = await p.waitForLead(leadId, (l) => l.route !== undefined);
    // Assess
    expect(lead.status).toBe('nurture');
    expect(lead.route?.kind).toBe('nurture');
    expect(lead.route?.ownerId).not.toMatch(/^rep-/);
    expect(lead.route?.slaDueAt).toBeUndefined();
    expect(lead.score?.tier).toBe('cold');
    expect(lead.score?.ledger.find((e) => e.ruleId === 'free-mail')?.fired).toBe(true);
  });

  it('keeps the owner and advances the round-robin once when the qualify message is delivered again', async () => {
    // Prepare
    const leadId = await p.post(roostrSubmission(p.site.origin));
    const first = await p.waitForLead(leadId, (l) => l.route !== undefined);
    const team = first.route!.team!;
    expect(team).toBeTruthy();
    const ticketsBefore = await ticketsOf(team);
    // Act
    await p.sqs.send(
      new SendMessageCommand({
        QueueUrl: p.stack.provisioned.queueUrls.qualify,
        MessageBody: JSON.stringify({ leadId }),
      }),
    );
    // The redelivery is consumed when the queue is empty again and nothing is in flight (deleted after handling).
    await waitQueueEmpty(p, p.stack.provisioned.queueUrls.qualify);
    // Assess
    const again = await p.getLead(leadId);
    expect(again.route).toEqual(first.route);
    expect(again.score?.scoredAt).toBe(first.score?.scoredAt);
    expect(await ticketsOf(team)).toBe(ticketsBefore);
  });

  it('ends a poison lead in the qualify DLQ after maxReceiveCount with its error on the lead', async () => {
    // Prepare: a lead item whose `lead` is not a lead (a corrupt write): scoring cannot work on it.
    const leadId = ulid();
    await p.put({
      pk: `LEAD#${leadId}`,
      sk: 'LEAD',
      leadId,
      status: 'received',
      receivedAt: new Date().toISOString(),
      dedupKey: `poison:${leadId}`,
      lead: 'corrupt',
    });
    // Act
    await p.sqs.send(
      new SendMessageCommand({
        QueueUrl: p.stack.provisioned.queueUrls.qualify,
        MessageBody: JSON.stringify({ leadId }),
      }),
    );
    const failed = await p.waitForLead(leadId, (l) => l.status === 'failed', 60_000);
    // Assess
    expect(failed.error).toMatchObject({ step: 'enrich', attempts: QUEUES.qualify.maxReceiveCount });
    expect(String(failed.error?.message)).not.toBe('');
    expect(failed.route).toBeUndefined();
    const dlq = await waitFor(async () => {
      const out = await p.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: p.stack.provisioned.dlqUrls.qualify,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 0,
        }),
      );
      const bodies = (out.Messages ?? []).map((m) => m.Body);
      return bodies.includes(JSON.stringify({ leadId })) ? bodies : undefined;
    }, 60_000);
    expect(dlq).toContain(JSON.stringify({ leadId }));
  });

  it('lowers data confidence when the company site is slow or broken, and still routes the lead', async () => {
    // Prepare
    // Own e-mail domains, so the website tool's per-domain cache cannot answer for the slow/broken sites.
    const tag = Date.now();
    const good = await p.post(roostrSubmission(p.site.origin, { email: `eva@goed-${tag}.nl` }));
    const slow = await p.post(roostrSubmission(p.slowSite.origin, { email: `eva@traag-${tag}.nl` }));
    const broken = await p.post(roostrSubmission(p.brokenSite.origin, { email: `eva@kapot-${tag}.nl` }));
    // Act
    const routed = (l: { route?: unknown }) => l.route !== undefined;
    const g = await p.waitForLead(good, routed, 60_000);
    const s = await p.waitForLead(slow, routed, 60_000);
    const b = await p.waitForLead(broken, routed, 60_000);
    // Assess
    expect(s.enrichment?.tools.website?.status).toBe('timeout');
    expect(b.enrichment?.tools.website?.status).toBe('error');
    expect(s.enrichment!.confidence).toBeLessThan(g.enrichment!.confidence);
    expect(b.enrichment!.confidence).toBeLessThan(g.enrichment!.confidence);
    expect(s.score!.dataConfidence).toBeLessThan(g.score!.dataConfidence);
    for (const lead of [s, b]) {
      expect(lead.route?.kind).toBe('owner');
      expect(lead.route?.ownerId).toBeTruthy();
    }
  });
});

const waitFor = async <T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const waitQueueEmpty = async (pipeline: PipelineStack, queueUrl: string) => {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  await waitFor(async () => {
    const { Attributes = {} } = await pipeline.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) === 0 &&
      Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0
      ? true
      : undefined;
  }, 60_000);
};
