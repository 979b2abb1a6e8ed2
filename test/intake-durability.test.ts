/**
 * Durability of POST /leads over real HTTP: the intake's one durable write is the lead item, and the table's
 * stream is its outbox — an SQS outage at intake changes nothing (intake sends nothing; the stream hands the
 * lead to qualification); a lead whose hand-over never happened waits in the outbox until the sweeper queues
 * it; a DynamoDB outage answers a server error with a retry message and leaves nothing half-written.
 * The outages are real: the stack's queue / table is deleted for the call and created again afterwards.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor, SUBMISSION_ID_WINDOW_SECONDS } from '../functions/agent/pipeline/accept-lead';
import { type IntakeStack, postLead, startIntakeStack } from './support/intake-stack';
import { receiveAll, waitFor } from './support/local-aws';

const JSON_TYPE = { 'content-type': 'application/json' };
const WINDOW = 600;

/** Every lead item is whole and sits at the id its dedup key gives; every reservation points at a lead. */
const expectNoHalfWrites = async (stack: IntakeStack) => {
  const { leads, reservations } = await stack.items();
  const leadIds = new Set(leads.map((l) => l.leadId));
  for (const l of leads) {
    expect(l.lead).toBeDefined();
    expect(l.raw).toBeDefined();
    const window = l.submissionId ? SUBMISSION_ID_WINDOW_SECONDS : WINDOW;
    expect(l.leadId).toBe(leadIdFor(String(l.dedupKey), window, new Date(String(l.receivedAt))));
  }
  for (const r of reservations) expect(leadIds.has(r.reservedFor)).toBe(true);
};

describe('durability of the intake', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ qualify: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('SQS down at intake → still 202, and the lead is qualified from the table stream all the same', async () => {
    // Prepare
    await stack.dropQualifyQueue();
    const body = JSON.stringify({
      email: 'outbox@acme-outbox.nl',
      company: 'Acme Outbox',
      message: 'Demo please',
    });
    // Act
    const res = await postLead(stack.url, body, JSON_TYPE);
    const qualified = await waitFor(async () => {
      const item = await stack.lead(String(res.body.leadId));
      return item?.route ? item : undefined;
    }, 60_000);
    await stack.restoreQualifyQueue();
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('received');
    expect(qualified.score).toBeDefined();
    // The stream consumer reserved the lead's next dedup bucket for it.
    const { reservations } = await waitFor(async () => {
      const items = await stack.items();
      return items.reservations.some((r) => r.reservedFor === res.body.leadId) ? items : undefined;
    }, 60_000);
    expect(reservations.filter((r) => r.reservedFor === res.body.leadId)).toHaveLength(1);
    await expectNoHalfWrites(stack);
  });

  it('DynamoDB down → a server error with a retry message, nothing written; the retry after recovery is stored once', async () => {
    // Prepare
    const body = JSON.stringify({ email: 'outage@acme-outage.nl', message: 'Are you there?' });
    await stack.dropTable();
    // Act
    const during = await postLead(stack.url, body, JSON_TYPE);
    await stack.restoreTable();
    const afterRestore = await stack.items();
    const retry = await postLead(stack.url, body, JSON_TYPE);
    // Assess
    expect([500, 503]).toContain(during.status);
    expect(String(during.body.message)).toMatch(/try again/i);
    expect(during.body.leadId).toBeUndefined();
    expect(afterRestore.leads).toEqual([]);
    expect(afterRestore.reservations).toEqual([]);
    expect(retry.status).toBe(202);
    const { leads } = await stack.items();
    expect(leads.map((l) => l.leadId)).toEqual([retry.body.leadId]);
    await expectNoHalfWrites(stack);
  });
});

describe('durability of the intake: the sweeper is the safety net behind the stream', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    // No stream consumer: as if the hand-over failed every attempt.
    stack = await startIntakeStack({ qualify: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a lead never handed over waits in the outbox; once old enough, the sweeper queues it for qualification', async () => {
    // Prepare
    const body = JSON.stringify({
      email: 'sweep@acme-sweep.nl',
      company: 'Acme Sweep',
      message: 'Demo please',
    });
    const res = await postLead(stack.url, body, JSON_TYPE);
    const leadId = res.body.leadId as string;
    // Act: a young lead is left alone (it may still be on its way) …
    const early = await stack.sweep();
    // … two minutes later (the lead's outbox time moved back), the sweeper queues it
    await stack.db.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
        UpdateExpression: 'SET outboxSk = :sk',
        ExpressionAttributeValues: { ':sk': `${new Date(Date.now() - 180_000).toISOString()}#${leadId}` },
      }),
    );
    const swept = await stack.sweep();
    // Assess
    expect(res.status).toBe(202);
    expect((await stack.lead(leadId))?.outboxPk).toBe('OUTBOX');
    expect(early.queued).toBe(0);
    expect(swept.queued).toBe(1);
    const messages = await receiveAll(stack.queues.qualify);
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ leadId }]);
    await expectNoHalfWrites(stack);
  });
});
