/**
 * The CRM sync's trigger on the emulators: a pipeline step's notice goes on the CRM queue with ids only; when
 * the queue does not take it, it is kept on the leads table, and the scheduled CRM outbox sweeper queues it
 * once the queue answers again — a queue outage loses no CRM update.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CrmNotifier } from '../functions/agent/ports';
import { createTestQueue, dynamoClient, receiveAll } from './support/local-aws';

const db = DynamoDBDocumentClient.from(dynamoClient());
const saved = { CRM: process.env.CRM, CRM_QUEUE_URL: process.env.CRM_QUEUE_URL };

const loadNotifier = async (env: Record<string, string>): Promise<CrmNotifier> => {
  vi.resetModules();
  Object.assign(process.env, env);
  return (await import('../functions/platform/crm-notifier')).crmNotifier();
};
const loadSweeper = async (env: Record<string, string>) => {
  vi.resetModules();
  Object.assign(process.env, env);
  return (await import('../functions/crm-outbox-sweeper')).handler;
};
const pendingOf = async (leadId: string) =>
  (
    (
      await db.send(
        new QueryCommand({
          TableName: process.env.LEADS_TABLE!,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'CRMPENDING' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []
  ).filter((i) => (i.job as { leadId: string }).leadId === leadId);

afterAll(() => {
  Object.assign(process.env, saved);
  db.destroy();
});

describe('CRM outbox', () => {
  it('queues a notice with ids only when the queue answers', async () => {
    // Prepare
    const queue = await createTestQueue('crm-notice');
    const notifier = await loadNotifier({ CRM: 'hubspot', CRM_QUEUE_URL: queue.url });
    const leadId = `lead-${randomUUID()}`;

    // Act
    await notifier.notify({ leadId, trigger: 'routed' });

    // Assess
    const messages = await receiveAll(queue.url);
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ leadId, trigger: 'routed' }]);
    expect(await pendingOf(leadId)).toEqual([]);
  });

  it('keeps a notice the queue refuses, and the sweeper queues it once the queue answers', async () => {
    // Prepare: the notifier's queue does not exist (the queue is "down" for it)
    const queue = await createTestQueue('crm-outbox');
    const down = queue.url.replace(queue.name, `${queue.name}-gone`);
    const notifier = await loadNotifier({ CRM: 'pipedrive', CRM_QUEUE_URL: down });
    const leadId = `lead-${randomUUID()}`;

    // Act
    const notified = notifier.notify({ leadId, trigger: 'email_sent' });
    await expect(notified).resolves.toBeUndefined();
    const kept = await pendingOf(leadId);
    const sweep = await loadSweeper({ CRM: 'pipedrive', CRM_QUEUE_URL: queue.url });
    const result = await sweep();

    // Assess
    expect(kept.map((i) => i.job)).toEqual([{ leadId, trigger: 'email_sent' }]);
    expect(result.queued).toBeGreaterThanOrEqual(1);
    const bodies = (await receiveAll(queue.url)).map((m) => JSON.parse(m.Body!));
    expect(bodies.filter((b) => b.leadId === leadId)).toEqual([{ leadId, trigger: 'email_sent' }]);
    expect(await pendingOf(leadId)).toEqual([]);
  });

  it('does nothing without a CRM', async () => {
    // Prepare
    const queue = await createTestQueue('crm-none');
    const notifier = await loadNotifier({ CRM: 'none', CRM_QUEUE_URL: queue.url });
    const leadId = `lead-${randomUUID()}`;

    // Act
    await notifier.notify({ leadId, trigger: 'routed' });

    // Assess
    expect(await receiveAll(queue.url)).toEqual([]);
    expect(await pendingOf(leadId)).toEqual([]);
  });
});
