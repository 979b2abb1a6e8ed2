/**
 * CRM sync end to end on the local stack with its HubSpot stand-in (`CRM=hubspot`, no base URL): a lead
 * posted to the API lands in HubSpot with company, contact, deal, a note with the rationale and the ledger,
 * the owner's task due at the SLA and, once approved and sent, the first email on the contact's timeline; a
 * deal won in HubSpot (signed webhook) comes back; a HubSpot outage never holds up routing or drafting, and
 * the lead syncs once HubSpot is back.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrmMappingYaml } from '../functions/agent/crm/mapping';
import type { CrmLinks } from '../functions/agent/crm/types';
import type { HubspotServer } from '../functions/agent/testing/crm/hubspot-server';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const mapping = parseCrmMappingYaml(readFileSync('config/crm-mapping.yaml', 'utf8'));
const MANAGER = { 'cognito:username': 'mgr-sofie', 'cognito:groups': 'manager', sub: 'mgr-sofie' };

let p: PipelineStack;
let hubspot: HubspotServer;

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
const notesOf = (leadId: string) =>
  [...hubspot.objects.get('notes')!.values()].filter((n) => n.properties.hs_note_body?.includes(leadId));

const approve = (leadId: string) =>
  fetch(`${p.stack.url}/drafts/${leadId}/approve`, {
    method: 'POST',
    headers: { authorization: 'Bearer manager', 'content-type': 'application/json' },
    body: '{}',
  });
/** A HubSpot webhook request signed (v3) with the local stack's secret for the URL it is sent to. */
const signedPost = (path: string, body: string) => {
  const url = `${p.stack.url}${path}`;
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', p.stack.env.HUBSPOT_WEBHOOK_SECRET!)
    .update(`POST${url}${body}${timestamp}`)
    .digest('base64');
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': timestamp,
    },
    body,
  });
};

beforeAll(async () => {
  p = await startPipelineStack({
    env: { CRM: 'hubspot', OPENAI_API_KEY: '' },
    // The CRM sync waits inline on a failing CRM (backoff) like the shipped 60 s function may.
    consumerTimeoutSeconds: 60,
    authorize: async () => ({ claims: MANAGER }),
  });
  hubspot = p.stack.crm!.server as HubspotServer;
}, 180_000);

afterAll(async () => {
  await p?.stop();
});

describe('CRM sync with HubSpot on the local stack', () => {
  it('puts a posted lead in HubSpot: company, contact, deal with scores, note with rationale and ledger, task at the SLA, the sent email', async () => {
    // Prepare
    const submission = roostrSubmission(p.site.origin);
    const leadId = await p.post(submission);
    const drafted = await p.waitForLead(leadId, (l) => l.draft?.status === 'pending', 120_000);

    // Act: the manager approves the draft; it is sent
    const approved = await approve(leadId);
    const sent = await p.waitForLead(leadId, (l) => l.draft?.status === 'sent', 120_000);
    // Each trigger is its own CRM job (a job that collides with another sync of the lead retries later), so
    // wait for the last of them: the sent email and the note that explains the score.
    const synced = await until('the sent email and the explaining note in HubSpot', async () => {
      const l = await links(leadId);
      const explained = notesOf(leadId).some((n) => n.properties.hs_note_body?.includes('Waarom'));
      // An activity is reserved in the links before it is created: wait for the created one (it has an id).
      const emailed = Object.entries(l?.activities ?? {}).some(([k, a]) => k.startsWith('email:') && a.id);
      return explained && emailed ? l : undefined;
    });

    // Assess
    expect([200, 202]).toContain(approved.status);
    const email = String(submission.email);
    const [company] = hubspot.find('companies', 'domain', 'roostr.nl');
    const [contact] = hubspot.find('contacts', 'email', email);
    const [deal] = hubspot.find('deals', 'lq_lead_id', leadId);
    expect(company?.id).toBe(synced.companyId);
    expect(contact?.id).toBe(synced.contactId);
    expect(deal?.id).toBe(synced.recordId);
    const score = sent.score!;
    const ownerId = mapping.hubspot!.owners[sent.route!.ownerId!];
    expect(deal?.properties).toMatchObject({
      lq_fit_score: String(score.fit),
      lq_intent_score: String(score.intent),
      lq_engagement_score: String(score.engagement),
      lq_tier: score.tier,
      lq_quadrant: score.quadrant,
      lq_lead_url: `${p.stack.url}/#lead/${leadId}`,
      hubspot_owner_id: ownerId,
    });
    // Lifecycle stage and lead status are what HubSpot workflows enrol on.
    expect(contact?.properties).toMatchObject({
      lifecyclestage: mapping.hubspot!.contact.lifecycleStageByRoute.owner,
      hs_lead_status: mapping.hubspot!.contact.leadStatusOnEmailSent,
      lq_tier: score.tier,
    });
    expect(hubspot.associated('contacts', contact!.id, 'companies')).toContain(company!.id);
    expect(hubspot.associated('deals', deal!.id, 'contacts')).toContain(contact!.id);
    // The note written once the rationale exists explains the score: rationale, rules that fired, rules version.
    const rationale = drafted.rationale!.text.trim().split('\n')[0]!;
    const explained = notesOf(leadId).find((n) => n.properties.hs_note_body!.includes('Waarom'));
    expect(explained?.properties.hs_note_body).toContain(rationale.slice(0, 40));
    expect(explained?.properties.hs_note_body).toContain('Regels die punten gaven');
    expect(explained?.properties.hs_note_body).toContain(score.rulesVersion);
    const tasks = [...hubspot.objects.get('tasks')!.values()].filter((t) =>
      t.properties.hs_task_body?.includes(leadId),
    );
    expect(tasks).toHaveLength(1);
    const due = String(tasks[0]!.properties.hs_timestamp);
    expect(/^\d+$/.test(due) ? Number(due) : Date.parse(due)).toBe(Date.parse(sent.route!.slaDueAt!));
    expect(tasks[0]!.properties.hubspot_owner_id).toBe(ownerId);
    const mails = [...hubspot.objects.get('emails')!.values()].filter((m) =>
      m.properties.hs_email_text?.includes(leadId),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.properties.hs_email_subject).toBe(sent.draft!.subject);
    expect(hubspot.associated('emails', mails[0]!.id, 'contacts')).toContain(contact!.id);
    expect(hubspot.duplicates()).toEqual([]);
    // Where a developer sees it: GET /local/crm
    const local = (await (await fetch(`${p.stack.url}/local/crm`)).json()) as Record<string, unknown[]>;
    expect(local.deals?.length).toBeGreaterThan(0);
  });

  it('makes a deal won in HubSpot (signed webhook) the outcome of the lead, once however often HubSpot delivers it', async () => {
    // Prepare: a contacted lead (first email sent) and its deal
    const leadId = await p.post(roostrSubmission(p.site.origin, { company: 'Roostr Won' }));
    await p.waitForLead(leadId, (x) => x.draft?.status === 'pending', 120_000);
    await approve(leadId);
    await p.waitForLead(leadId, (x) => x.status === 'sent', 120_000);
    const l = await until('the deal in HubSpot', async () => {
      const x = await links(leadId);
      return x?.recordId ? x : undefined;
    });
    const body = JSON.stringify([
      {
        eventId: Date.now(),
        subscriptionId: 4242,
        portalId: 62515,
        appId: 1160452,
        occurredAt: Date.now(),
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: Number(l.recordId),
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
        changeSource: 'CRM_UI',
      },
    ]);
    const url = `${p.stack.url}/crm/hubspot/webhook`;
    const post = () => signedPost('/crm/hubspot/webhook', body);

    // Act
    const first = await post();
    await new Promise((r) => setTimeout(r, 5));
    const retry = await post();
    const unsigned = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });

    // Assess
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ recorded: 1 });
    expect(await retry.json()).toMatchObject({ recorded: 0, duplicates: 1 });
    expect(unsigned.status).toBe(401);
    const events = await p.db.send(
      new QueryCommand({
        TableName: p.stack.env.LEADS_TABLE!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CRMEVT#hubspot:deal:${l.recordId}:dealstage=closedwon` },
      }),
    );
    expect(events.Items?.[0]).toMatchObject({ leadId, outcome: 'won', kind: 'outcome' });
    const lead = await p.getLead(leadId);
    expect(lead.status).toBe('won');
    expect(lead.outcome).toMatchObject({ outcome: 'won', source: 'crm:hubspot', by: 'crm:hubspot' });
    expect(lead.outcomes?.filter((o) => o.outcome === 'won')).toHaveLength(1);
  });

  it('erases the lead of a contact HubSpot deleted for privacy, and never mails the address again', async () => {
    // Prepare
    const leadId = await p.post(roostrSubmission(p.site.origin, { company: 'Roostr Forget' }));
    const l = await until('the contact in HubSpot', async () => {
      const x = await links(leadId);
      return x?.contactId ? x : undefined;
    });
    const body = JSON.stringify([
      {
        eventId: Date.now(),
        subscriptionId: 4243,
        portalId: 62515,
        appId: 1160452,
        occurredAt: Date.now(),
        subscriptionType: 'contact.privacyDeletion',
        attemptNumber: 0,
        objectId: Number(l.contactId),
        changeSource: 'GDPR',
      },
    ]);

    // Act
    const answer = await signedPost('/crm/hubspot/webhook', body);

    // Assess
    expect(await answer.json()).toMatchObject({ recorded: 1 });
    const items = await p.db.send(
      new QueryCommand({
        TableName: p.stack.env.LEADS_TABLE!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LEAD#${leadId}` },
        ConsistentRead: true,
      }),
    );
    expect(items.Items ?? []).toEqual([]);
  });

  it('routes and drafts a lead while HubSpot is down, and syncs it once HubSpot is back', async () => {
    // Prepare
    hubspot.options.outage = true;
    const leadId = await p.post(roostrSubmission(p.site.origin, { company: 'Roostr Outage' }));

    // Act: routing and drafting go on; the CRM sync fails and comes back later
    const drafted = await p.waitForLead(leadId, (l) => l.draft?.status === 'pending', 120_000);
    const failing = await until('a failed CRM attempt', async () => (await links(leadId))?.lastError);
    hubspot.options.outage = false;
    const synced = await until(
      'the lead in HubSpot after the outage',
      async () => {
        const x = await links(leadId);
        return x?.recordId && !x.lastError && Object.keys(x.activities).some((k) => k.startsWith('task:'))
          ? x
          : undefined;
      },
      170_000,
    );

    // Assess
    expect(drafted.route?.ownerId).toBeDefined();
    expect(drafted.rationale).toBeDefined();
    expect(failing.message).toMatch(/^unavailable/);
    expect(hubspot.find('deals', 'lq_lead_id', leadId).map((d) => d.id)).toEqual([synced.recordId]);
    expect(hubspot.duplicates()).toEqual([]);
  }, 300_000);
});
