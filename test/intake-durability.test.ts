/**
 * Durability of POST /leads over real HTTP: an SQS outage after the lead is stored still answers 202 and the
 * outbox sweeper later queues the lead, which then gets qualified; a DynamoDB outage answers a server error
 * with a retry message and leaves nothing half-written (never a lead without its DEDUP guard or vice versa).
 * The outages are real: the stack's queue / table is deleted for the call and created again afterwards.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntakeStack, postLead, startIntakeStack } from './support/intake-stack';
import { receiveAll, waitFor } from './support/local-aws';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('durability of the intake', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ qualify: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Every lead has its DEDUP guard pointing at it, and every guard points at an existing lead. */
  const expectNoHalfWrites = async () => {
    const { leads, dedup } = await stack.items();
    const leadIds = new Set(leads.map((l) => l.leadId));
    for (const l of leads) {
      expect(dedup.some((d) => d.pk === `DEDUP#${l.dedupKey}` && d.leadId === l.leadId)).toBe(true);
    }
    for (const d of dedup) expect(leadIds.has(d.leadId)).toBe(true);
  };

  it('SQS down at intake → still 202; the lead waits in the outbox; the sweeper queues it and it is qualified', async () => {
    // Prepare
    await stack.dropQualifyQueue();
    const body = JSON.stringify({
      email: 'outbox@acme-outbox.nl',
      company: 'Acme Outbox',
      message: 'Demo please',
    });
    // Act
    const res = await postLead(stack.url, body, JSON_TYPE);
    await stack.restoreQualifyQueue();
    // Assess: accepted and stored, in the outbox, not queued
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('received');
    const leadId = res.body.leadId as string;
    const stored = await stack.lead(leadId);
    expect(stored?.status).toBe('received');
    expect(stored?.outboxPk).toBe('OUTBOX');
    expect(await receiveAll(stack.queues.qualify, { delete: false, visibilityTimeout: 0 })).toEqual([]);

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
    expect(early.queued).toBe(0);
    expect(swept.queued).toBe(1);
    const qualified = await waitFor(async () => {
      const item = await stack.lead(leadId);
      return item?.route ? item : undefined;
    }, 60_000);
    expect(qualified.score).toBeDefined();
    // Qualified: it stays in the outbox until drafted, but its clock restarted, so the sweeper leaves it alone.
    expect((await stack.sweep()).queued).toBe(0);
    await expectNoHalfWrites();
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
    expect(afterRestore.dedup).toEqual([]);
    expect(retry.status).toBe(202);
    const { leads, dedup } = await stack.items();
    expect(leads.map((l) => l.leadId)).toEqual([retry.body.leadId]);
    expect(dedup.map((d) => d.leadId)).toEqual([retry.body.leadId]);
    await expectNoHalfWrites();
  });
});
