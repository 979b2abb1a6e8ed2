/** The sync use case through the Pipedrive adapter against the local Pipedrive server (real wire format). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCrmStore } from '../agent/crm/memory';
import { type CrmSyncDeps, type SyncItem, syncLeads } from '../agent/crm/sync';
import { crmLeadRecord, testMapping } from '../agent/testing/crm/fixtures';
import {
  PIPEDRIVE_TEST_TOKEN,
  type PipedriveServer,
  startPipedriveServer,
} from '../agent/testing/crm/pipedrive-server';
import { PipedriveCrm } from './crm-pipedrive';

const mapping = testMapping();
let server: PipedriveServer;
let store: InMemoryCrmStore;
let deps: CrmSyncDeps;

const items = (ns: number[], options: Parameters<typeof crmLeadRecord>[1] = {}): SyncItem[] =>
  ns.map((n) => ({
    record: crmLeadRecord(n, options),
    job: { leadId: crmLeadRecord(n).leadId, trigger: 'routed' },
  }));

beforeEach(async () => {
  server = await startPipedriveServer();
  store = new InMemoryCrmStore();
  deps = {
    crm: new PipedriveCrm({
      apiToken: PIPEDRIVE_TEST_TOKEN,
      baseUrl: server.origin,
      mapping: mapping.pipedrive!,
    }),
    store,
    mapping,
    now: () => new Date('2026-03-02T09:00:00Z'),
    leadPageBaseUrl: 'https://leads.example.com/#/leads/',
  };
});
afterEach(async () => {
  await server.close();
});

describe('Pipedrive sync', () => {
  it('creates organization, person and a deal in the tier stage with scores, a pinned note and the owner task', async () => {
    // Prepare
    const batch = items([0]);
    // Act
    const [result] = await syncLeads(batch, deps);
    // Assess
    expect(result!.status).toBe('synced');
    const [org] = [...server.items.organizations.values()];
    const [person] = [...server.items.persons.values()];
    const [deal] = [...server.items.deals.values()];
    expect(org).toMatchObject({
      name: 'Bedrijf 0 B.V.',
      custom_fields: { ['a'.repeat(40)]: 'bedrijf0.example' },
    });
    expect(person).toMatchObject({
      org_id: org!.id,
      emails: [{ value: 'contact0@bedrijf0.example', primary: true }],
    });
    expect(deal).toMatchObject({
      person_id: person!.id,
      org_id: org!.id,
      pipeline_id: 1,
      stage_id: 2,
      owner_id: 1000003,
      custom_fields: {
        ['c'.repeat(40)]: batch[0]!.record.leadId,
        ['d'.repeat(40)]: 80,
        ['e'.repeat(40)]: 'hot',
      },
    });
    const [note] = [...server.items.notes.values()];
    expect(note).toMatchObject({ deal_id: deal!.id, pinned_to_deal_flag: 1 });
    expect(String(note!.content)).toContain('+20 10–200 employees [fit]');
    const [task] = [...server.items.activities.values()];
    expect(task).toMatchObject({
      type: 'task',
      deal_id: deal!.id,
      owner_id: 1000003,
      due_date: '2026-03-03',
      due_time: '08:14',
      done: false,
    });
  });

  it('puts a nurture lead in the Leads Inbox instead of the pipeline', async () => {
    // Act
    const [result] = await syncLeads(items([5], { nurture: true }), deps);
    // Assess
    expect(result!.status).toBe('synced');
    expect(server.items.deals.size).toBe(0);
    const [lead] = [...server.items.leads.values()];
    expect(lead).toMatchObject({
      title: 'Bedrijf 5 B.V. — cold lead',
      ['c'.repeat(40)]: crmLeadRecord(5).leadId,
    });
    expect([...server.items.notes.values()][0]).toMatchObject({ lead_id: lead!.id });
    expect(server.items.activities.size).toBe(0);
  });

  it('searches before it creates: organizations and persons that exist are reused, redelivery adds nothing', async () => {
    // Prepare
    server.items.persons.set('900', {
      id: 900,
      name: 'Known Person',
      emails: [{ value: 'contact3@bedrijf1.example', primary: true }],
    });
    const first = items([0, 1, 2], { companies: 2 });
    const second = items([3, 4, 5], { companies: 2 });
    // Act
    await syncLeads(first, deps);
    const sizeAfterFirst = Object.values(server.items).reduce((n, m) => n + m.size, 0);
    await syncLeads(first, deps);
    const sizeAfterRedelivery = Object.values(server.items).reduce((n, m) => n + m.size, 0);
    // Another worker without our cached ids must find the organizations by searching.
    await syncLeads(second, { ...deps, store: new InMemoryCrmStore() });
    // Assess
    expect(sizeAfterRedelivery).toBe(sizeAfterFirst);
    expect(server.items.organizations.size).toBe(2);
    expect(server.items.persons.size).toBe(6);
    expect([...server.items.deals.values()].find((d) => d.person_id === 900)).toBeDefined();
    expect(server.duplicates()).toEqual([]);
  });

  it('honours the token budget: 429 with Retry-After is waited out, nothing is lost or doubled', async () => {
    // Prepare
    server.options.budget = { tokens: 150, windowMs: 1_000 };
    // Act
    const results = await syncLeads(items([0, 1, 2]), deps);
    const retry = await syncLeads(items([0, 1, 2]), deps);
    // Assess
    expect(server.calls.some((c) => c.status === 429)).toBe(true);
    expect([...results, ...retry].filter((r) => r.status === 'synced').length).toBe(3);
    expect(server.items.deals.size).toBe(3);
    expect(server.duplicates()).toEqual([]);
  });

  it('rejects a wrong token with a clear failure and creates nothing', async () => {
    // Prepare
    deps = {
      ...deps,
      crm: new PipedriveCrm({ apiToken: 'wrong', baseUrl: server.origin, mapping: mapping.pipedrive! }),
    };
    // Act
    const [result] = await syncLeads(items([0]), deps);
    // Assess
    expect(result).toMatchObject({ status: 'failed', error: { kind: 'rejected', status: 401 } });
    expect(server.items.organizations.size + server.items.persons.size + server.items.deals.size).toBe(0);
  });
});
