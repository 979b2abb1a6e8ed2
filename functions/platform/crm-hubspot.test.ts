/** The sync use case through the HubSpot adapter against the local HubSpot server (real wire format). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCrmStore } from '../agent/crm/memory';
import { type CrmSyncDeps, type SyncItem, syncLeads } from '../agent/crm/sync';
import type { CrmJob } from '../agent/crm/types';
import { crmLeadRecord, testMapping } from '../agent/testing/crm/fixtures';
import {
  HUBSPOT_TEST_TOKEN,
  type HubspotServer,
  startHubspotServer,
} from '../agent/testing/crm/hubspot-server';
import { HubspotCrm } from './crm-hubspot';

const mapping = testMapping();
let server: HubspotServer;
let store: InMemoryCrmStore;
let deps: CrmSyncDeps;

const job = (n: number, trigger: CrmJob['trigger'] = 'routed'): CrmJob => ({
  leadId: crmLeadRecord(n).leadId,
  trigger,
});
const items = (
  ns: number[],
  options: Parameters<typeof crmLeadRecord>[1] = {},
  trigger?: CrmJob['trigger'],
): SyncItem[] => ns.map((n) => ({ record: crmLeadRecord(n, options), job: job(n, trigger) }));
const adapter = (extra: Partial<ConstructorParameters<typeof HubspotCrm>[0]> = {}) =>
  new HubspotCrm({
    accessToken: HUBSPOT_TEST_TOKEN,
    baseUrl: server.origin,
    mapping: mapping.hubspot!,
    sleep: async () => undefined,
    ...extra,
  });

beforeEach(async () => {
  server = await startHubspotServer();
  store = new InMemoryCrmStore();
  deps = {
    crm: adapter(),
    store,
    mapping,
    now: () => new Date('2026-03-02T09:00:00Z'),
    leadPageBaseUrl: 'https://leads.example.com/#/leads/',
    personName: (id) => (id === 'rep-bram' ? 'Bram Jansen' : undefined),
    fromAddress: 'sales@ourco.example',
  };
});
afterEach(async () => {
  await server.close();
});

describe('HubSpot sync', () => {
  it('puts company, contact, deal with per-axis scores, a rationale note and the owner task in HubSpot, linked', async () => {
    // Prepare
    const batch = items([0]);
    // Act
    const [result] = await syncLeads(batch, deps);
    // Assess
    expect(result).toMatchObject({
      status: 'synced',
      created: { companies: 1, contacts: 1, records: 1, activities: 2 },
    });
    const company = server.find('companies', 'domain', 'bedrijf0.example');
    const contact = server.find('contacts', 'email', 'contact0@bedrijf0.example');
    const deal = server.find('deals', 'lq_lead_id', batch[0]!.record.leadId);
    expect([company.length, contact.length, deal.length]).toEqual([1, 1, 1]);
    expect(contact[0]!.properties).toMatchObject({
      lifecyclestage: 'salesqualifiedlead',
      hs_lead_status: 'NEW',
      hubspot_owner_id: '75500003',
    });
    expect(deal[0]!.properties).toMatchObject({
      dealstage: 'appointmentscheduled',
      pipeline: 'default',
      lq_fit_score: '30',
      lq_intent_score: '10',
      lq_engagement_score: '25',
      lq_tier: 'hot',
      lq_quadrant: 'proactive_outreach',
      lq_lead_url: `https://leads.example.com/#/leads/${batch[0]!.record.leadId}`,
      hubspot_owner_id: '75500003',
    });
    expect(server.associated('deal', deal[0]!.id, 'contact')).toEqual([contact[0]!.id]);
    expect(server.associated('deal', deal[0]!.id, 'company')).toEqual([company[0]!.id]);
    expect(server.associated('contact', contact[0]!.id, 'company')).toEqual([company[0]!.id]);
    const [note] = server.associated('deal', deal[0]!.id, 'note');
    const noteBody = server.objects.get('notes')!.get(note!)!.properties.hs_note_body!;
    expect(noteBody).toContain('Bram Jansen (rep-bram)');
    expect(noteBody).toContain('+20 10–200 employees [fit]');
    expect(noteBody).toContain('rules rules@3');
    expect(noteBody).toContain('Bel binnen een uur');
    const [task] = server.associated('deal', deal[0]!.id, 'task');
    expect(server.objects.get('tasks')!.get(task!)!.properties).toMatchObject({
      hs_timestamp: String(Date.parse('2026-03-03T08:14:05.000Z')),
      hs_task_priority: 'HIGH',
      hubspot_owner_id: '75500003',
      hs_task_status: 'NOT_STARTED',
    });
  });

  it('creates nothing twice when jobs are redelivered, and reuses a company that already exists (search before create)', async () => {
    // Prepare
    server.objects.get('companies')!.set('1', {
      id: '1',
      properties: { domain: 'bedrijf1.example', name: 'Bedrijf 1 (already in HubSpot)' },
      createdAt: '2020-01-01T00:00:00Z',
      updatedAt: '2020-01-01T00:00:00Z',
    });
    const batch = items([0, 1, 2, 3], { companies: 2 });
    // Act
    await syncLeads(batch, deps);
    const again = await syncLeads(batch, deps);
    const callsAfterFirstRedelivery = server.calls.length;
    await syncLeads(batch, deps);
    // Assess
    expect(again.every((r) => r.status === 'skipped')).toBe(true);
    expect(server.calls.length).toBe(callsAfterFirstRedelivery);
    expect(server.duplicates()).toEqual([]);
    expect(server.objects.get('companies')!.size).toBe(2);
    expect(server.find('deals', 'lq_lead_id', batch[1]!.record.leadId)[0]).toBeDefined();
    expect(server.associated('company', '1', 'contact')).toHaveLength(2);
  });

  it('logs the sent first email on the contact timeline once', async () => {
    // Prepare
    await syncLeads(items([0]), deps);
    const sent = items([0], { sent: true }, 'email_sent');
    // Act
    await syncLeads(sent, deps);
    await syncLeads(sent, deps);
    // Assess
    const emails = [...server.objects.get('emails')!.values()];
    expect(emails).toHaveLength(1);
    expect(emails[0]!.properties).toMatchObject({
      hs_email_direction: 'EMAIL',
      hs_email_subject: 'Uw demo-aanvraag',
    });
    expect(JSON.parse(emails[0]!.properties.hs_email_headers!).to[0].email).toBe('contact0@bedrijf0.example');
    const contact = server.find('contacts', 'email', 'contact0@bedrijf0.example')[0]!;
    expect(contact.properties.hs_lead_status).toBe('ATTEMPTED_TO_CONTACT');
    expect(server.associated('contact', contact.id, 'email')).toEqual([emails[0]!.id]);
  });

  it('pushes an outcome recorded on our side to the deal stage, but not one that came from HubSpot', async () => {
    // Prepare
    await syncLeads(items([0]), deps);
    const leadId = crmLeadRecord(0).leadId;
    const record = crmLeadRecord(0);
    const won = {
      outcome: 'won' as const,
      id: 'o-1',
      at: '2026-03-10T10:00:00Z',
      value: 12_000,
      source: 'inbox',
    };
    const fromHubspot = {
      outcome: 'lost' as const,
      id: 'o-2',
      at: '2026-03-11T10:00:00Z',
      source: 'hubspot',
    };
    // Act
    await syncLeads([{ record, job: { leadId, trigger: 'outcome', outcome: won } }], deps);
    const echo = await syncLeads(
      [{ record, job: { leadId, trigger: 'outcome', outcome: fromHubspot } }],
      deps,
    );
    const recordedAsCrm = await syncLeads(
      [
        {
          record,
          job: { leadId, trigger: 'outcome', outcome: { ...fromHubspot, id: 'o-3', source: 'crm:hubspot' } },
        },
      ],
      deps,
    );
    // Assess
    expect(server.find('deals', 'lq_lead_id', leadId)[0]!.properties).toMatchObject({
      dealstage: 'closedwon',
      amount: '12000',
    });
    expect(echo[0]!.status).toBe('skipped');
    expect(recordedAsCrm[0]!.status).toBe('skipped');
    expect(server.find('deals', 'lq_lead_id', leadId)[0]!.properties.dealstage).toBe('closedwon');
  });

  it('answers a 207 per item: the lead with an invalid value fails alone, the others are synced', async () => {
    // Prepare
    const batch = items([0, 1]);
    const bad = batch[1]!.record;
    (bad.lead.person as { email?: string }).email = 'not-an-email';
    // Act
    const results = await syncLeads(batch, deps);
    // Assess
    expect(results.map((r) => r.status)).toEqual(['synced', 'failed']);
    expect(results[1]!.error).toMatchObject({ kind: 'rejected' });
    expect((await store.get(bad.leadId))?.lastError?.message).toContain('VALIDATION_ERROR');
    expect(JSON.stringify(await store.get(bad.leadId))).not.toContain('not-an-email');
  });

  it('waits out TEN_SECONDLY_ROLLING 429s inline and hands DAILY back as a rate-limited failure', async () => {
    // Prepare
    let throttled = 0;
    server.options.throttle = () => (throttled++ < 3 ? 'TEN_SECONDLY_ROLLING' : undefined);
    // Act
    const first = await syncLeads(items([0]), deps);
    server.options.throttle = () => 'DAILY';
    const second = await syncLeads(items([1]), deps);
    server.options.throttle = undefined;
    const retried = await syncLeads(items([1]), deps);
    // Assess
    expect(first[0]!.status).toBe('synced');
    expect(server.calls.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(4);
    expect(second[0]).toMatchObject({ status: 'failed', error: { kind: 'rate_limited' } });
    expect(second[0]!.error!.retryAfterMs).toBeGreaterThan(60_000);
    expect(retried[0]!.status).toBe('synced');
    expect(server.duplicates()).toEqual([]);
  });

  it('opens the circuit when HubSpot is down (no more calls), and syncs everything once it is back', async () => {
    // Prepare
    let now = 0;
    const { CircuitBreaker } = await import('../agent/crm/circuit-breaker');
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000, now: () => now });
    deps = { ...deps, crm: adapter({ breaker, maxAttempts: 2 }) };
    server.options.outage = true;
    // Act
    const down: string[] = [];
    for (let n = 0; n < 4; n++) down.push(...(await syncLeads(items([n]), deps)).map((r) => r.status));
    const callsWhileDown = server.calls.length;
    for (let n = 4; n < 8; n++) await syncLeads(items([n]), deps);
    const callsWhileOpen = server.calls.length - callsWhileDown;
    server.options.outage = false;
    now += 1_500;
    const back = await syncLeads(items([0, 1, 2, 3, 4, 5, 6, 7]), deps);
    // Assess
    expect(down.every((s) => s === 'failed')).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(callsWhileOpen).toBe(0);
    expect(back.map((r) => r.status)).toEqual(Array(8).fill('synced'));
    expect(server.objects.get('deals')!.size).toBe(8);
    expect(server.duplicates()).toEqual([]);
  });

  it('after a crash between creating the note and storing its id, finds it by marker instead of creating it again', async () => {
    // Prepare: the store loses every save after the activity reservations (as if the Lambda died).
    const batch = items([0]);
    let saves = 0;
    const crashing = Object.create(store) as InMemoryCrmStore;
    crashing.save = async (links) => {
      saves++;
      if (Object.values(links.activities).some((a) => a.id)) throw new Error('container died');
      return store.save(links);
    };
    // Act
    const crashed = await syncLeads(batch, { ...deps, store: crashing });
    const recovered = await syncLeads(batch, deps);
    // Assess
    expect(saves).toBeGreaterThan(0);
    expect(crashed[0]!.status).toBe('failed');
    expect(recovered[0]!.status).toBe('synced');
    expect(recovered[0]!.created.activities).toBe(0);
    expect(server.objects.get('notes')!.size).toBe(1);
    expect(server.objects.get('tasks')!.size).toBe(1);
    expect(server.duplicates()).toEqual([]);
  });
});
