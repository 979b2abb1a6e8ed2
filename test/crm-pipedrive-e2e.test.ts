/**
 * CRM sync end to end on the local stack with its Pipedrive stand-in (`CRM=pipedrive`, no base URL): a lead
 * posted to the API lands in Pipedrive as organization, person and deal in the pipeline stage of its tier,
 * with a note explaining the score, the owner's task due at the SLA and, once sent, the first email as a done
 * email activity; a deal won in Pipedrive (webhooks v2, basic auth) comes back once.
 */
import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrmMappingYaml } from '../functions/agent/crm/mapping';
import type { CrmLinks } from '../functions/agent/crm/types';
import type { PipedriveServer } from '../functions/agent/testing/crm/pipedrive-server';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const mapping = parseCrmMappingYaml(readFileSync('config/crm-mapping.yaml', 'utf8')).pipedrive!;
const MANAGER = { 'cognito:username': 'mgr-sofie', 'cognito:groups': 'manager', sub: 'mgr-sofie' };
const LEAD_ID_FIELD = Object.entries(mapping.fields.deal).find(([, f]) => f === 'lead.id')![0];

let p: PipelineStack;
let pipedrive: PipedriveServer;

const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 120_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};
const links = async (leadId: string) =>
  (await p.item(`CRM#${leadId}`, 'CRM')) as (CrmLinks & Record<string, unknown>) | undefined;
const all = (entity: keyof PipedriveServer['items']) => [...pipedrive.items[entity].values()];

beforeAll(async () => {
  p = await startPipelineStack({
    env: { CRM: 'pipedrive', OPENAI_API_KEY: '' },
    consumerTimeoutSeconds: 60,
    authorize: async () => ({ claims: MANAGER }),
  });
  pipedrive = p.stack.crm!.server as PipedriveServer;
}, 180_000);

afterAll(async () => {
  await p?.stop();
});

describe('CRM sync with Pipedrive on the local stack', () => {
  it('puts a posted lead in Pipedrive: organization, person, deal in its stage, note, task at the SLA, the sent email', async () => {
    // Prepare
    const submission = roostrSubmission(p.site.origin);
    const leadId = await p.post(submission);
    await p.waitForLead(leadId, (l) => l.draft?.status === 'pending', 120_000);

    // Act
    await fetch(`${p.stack.url}/drafts/${leadId}/approve`, {
      method: 'POST',
      headers: { authorization: 'Bearer manager', 'content-type': 'application/json' },
      body: '{}',
    });
    const sent = await p.waitForLead(leadId, (l) => l.draft?.status === 'sent', 120_000);
    const synced = await until('the sent email in Pipedrive', async () => {
      const l = await links(leadId);
      // The link is kept as the activity is created: wait for the activity itself in Pipedrive too.
      const inPipedrive = all('activities').some(
        (a) => a.type === mapping.emailActivityType && String(a.note).includes(leadId),
      );
      return inPipedrive && l?.activities && Object.keys(l.activities).some((k) => k.startsWith('email:'))
        ? l
        : undefined;
    });

    // Assess
    const deal = pipedrive.items.deals.get(String(synced.recordId));
    const ownerId = mapping.owners[sent.route!.ownerId!];
    expect(synced.recordType).toBe('deal');
    expect((deal?.custom_fields as Record<string, unknown> | undefined)?.[LEAD_ID_FIELD]).toBe(leadId);
    expect(deal).toMatchObject({
      stage_id: mapping.deal.stageByTier[sent.score!.tier],
      pipeline_id: mapping.deal.pipelineId,
      person_id: Number(synced.contactId),
      org_id: Number(synced.companyId),
      owner_id: ownerId,
    });
    const person = pipedrive.items.persons.get(String(synced.contactId));
    expect((person?.emails as { value: string }[] | undefined)?.[0]?.value).toBe(
      String(submission.email).toLowerCase(),
    );
    const notes = all('notes').filter((n) => String(n.content).includes(leadId));
    expect(notes.some((n) => String(n.content).includes('Waarom'))).toBe(true);
    expect(notes.every((n) => n.deal_id === Number(synced.recordId))).toBe(true);
    const activities = all('activities').filter((a) => String(a.note).includes(leadId));
    const task = activities.find((a) => a.type === mapping.taskActivityType);
    const email = activities.find((a) => a.type === mapping.emailActivityType);
    expect(`${task?.due_date}T${task?.due_time}`).toBe(sent.route!.slaDueAt!.slice(0, 16));
    expect(task?.owner_id).toBe(ownerId);
    expect(email).toMatchObject({ subject: sent.draft!.subject, done: true });
    expect(pipedrive.duplicates()).toEqual([]);
  });

  it('records a deal won in Pipedrive (webhook v2, basic auth) once, and refuses a wrong password', async () => {
    // Prepare
    const leadId = await p.post(roostrSubmission(p.site.origin, { company: 'Roostr Won' }));
    const l = await until('the deal in Pipedrive', async () => {
      const x = await links(leadId);
      return x?.recordId ? x : undefined;
    });
    const payload = JSON.stringify(
      pipedrive.edit('deal', String(l.recordId), { status: 'won', value: 4800 }),
    );
    const url = `${p.stack.url}/crm/pipedrive/webhook`;
    const post = (password: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${p.stack.env.PIPEDRIVE_WEBHOOK_USER}:${password}`).toString('base64')}`,
        },
        body: payload,
      });

    // Act
    const first = await post(p.stack.env.PIPEDRIVE_WEBHOOK_PASSWORD!);
    const retry = await post(p.stack.env.PIPEDRIVE_WEBHOOK_PASSWORD!);
    const forged = await post('not-the-password');

    // Assess
    expect(await first.json()).toMatchObject({ recorded: 1 });
    expect(await retry.json()).toMatchObject({ recorded: 0, duplicates: 1 });
    expect(forged.status).toBe(401);
    const events = await p.db.send(
      new QueryCommand({
        TableName: p.stack.env.LEADS_TABLE!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CRMEVT#pipedrive:deal:${l.recordId}:status=won` },
      }),
    );
    expect(events.Items?.[0]).toMatchObject({ leadId, outcome: 'won', value: 4800 });
  });
});
