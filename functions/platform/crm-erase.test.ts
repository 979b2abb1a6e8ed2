/**
 * GDPR erasure through each CRM adapter, against the local CRM servers (real wire format): the contact, and
 * the records the sync created about the lead — deal / lead, score note, owner's task, logged first email —
 * which name the person and which a contact's erasure leaves behind.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryCrmStore } from '../agent/crm/memory';
import { syncLeads } from '../agent/crm/sync';
import type { CrmLinks } from '../agent/crm/types';
import { crmLeadRecord, testMapping } from '../agent/testing/crm/fixtures';
import { HUBSPOT_TEST_TOKEN, startHubspotServer } from '../agent/testing/crm/hubspot-server';
import { PIPEDRIVE_TEST_TOKEN, startPipedriveServer } from '../agent/testing/crm/pipedrive-server';
import { HubspotCrm } from './crm-hubspot';
import { PipedriveCrm } from './crm-pipedrive';

const mapping = testMapping();
const record = crmLeadRecord(0, { sent: true, withRationale: true });
const person = record.lead.person;
/** The person's name and address as the CRM objects would carry them. */
const NAMES_PERSON = [person.email!, `${person.firstName} ${person.lastName}`];

const sync = async (crm: HubspotCrm | PipedriveCrm): Promise<CrmLinks> => {
  const store = new InMemoryCrmStore();
  const deps = {
    crm,
    store,
    mapping,
    now: () => new Date('2026-03-02T09:00:00Z'),
    leadPageBaseUrl: 'https://leads.example.com/#/leads/',
  };
  await syncLeads([{ record, job: { leadId: record.leadId, trigger: 'routed' } }], deps);
  const [result] = await syncLeads([{ record, job: { leadId: record.leadId, trigger: 'email_sent' } }], deps);
  return result!.links!;
};
/** The deal/lead and every activity with an id, as the erasure store lists them. */
const recordsOf = (links: CrmLinks) => [
  ...(links.recordId && links.recordType ? [{ type: links.recordType, id: links.recordId }] : []),
  ...Object.values(links.activities).flatMap((a) => (a.id ? [{ type: a.kind, id: a.id }] : [])),
];
const mentions = (objects: unknown[]) =>
  objects.filter((o) => NAMES_PERSON.some((n) => JSON.stringify(o).toLowerCase().includes(n.toLowerCase())));

describe('CRM erasure', () => {
  it('HubSpot: deletes the deal, note, task and logged email, GDPR-deletes the contact; a second erasure is fine', async () => {
    // Prepare
    const server = await startHubspotServer();
    try {
      const crm = new HubspotCrm({
        accessToken: HUBSPOT_TEST_TOKEN,
        baseUrl: server.origin,
        mapping: mapping.hubspot!,
      });
      const links = await sync(crm);
      const records = recordsOf(links);
      const everything = () => [...server.objects.values()].flatMap((m) => [...m.values()]);
      // What the sync created names the person beyond the contact: the task's subject, the email's recipient.
      const aboutPerson = mentions(everything().filter((o) => !server.objects.get('contacts')?.has(o.id)));
      expect(aboutPerson.length).toBeGreaterThan(0);
      expect(records.map((r) => r.type).sort()).toEqual(['deal', 'email', 'note', 'task']);
      // Act
      for (let round = 0; round < 2; round++) {
        for (const r of records) await crm.eraseRecord(r.type, r.id);
        await crm.eraseContact(links.contactId!);
      }
      // Assess
      expect(server.objects.get('contacts')?.has(links.contactId!)).toBe(false);
      for (const [type, plural] of [
        ['deal', 'deals'],
        ['note', 'notes'],
        ['task', 'tasks'],
        ['email', 'emails'],
      ] as const) {
        for (const r of records.filter((x) => x.type === type))
          expect(server.objects.get(plural)?.has(r.id)).toBe(false);
      }
      expect(mentions(everything())).toEqual([]);
      // The company (no personal data) stays.
      expect(server.objects.get('companies')?.has(links.companyId!)).toBe(true);
      const deletes = server.calls.filter((c) => c.method === 'DELETE');
      expect(deletes.map((c) => c.status)).toEqual([...records.map(() => 204), ...records.map(() => 404)]);
      expect(server.calls.filter((c) => c.path.endsWith('/gdpr-delete')).map((c) => c.status)).toEqual([
        204, 404,
      ]);
    } finally {
      await server.close();
    }
  });

  it('Pipedrive: deletes the deal, note and activities, then the person; a second erasure is fine', async () => {
    // Prepare
    const server = await startPipedriveServer();
    try {
      const crm = new PipedriveCrm({
        apiToken: PIPEDRIVE_TEST_TOKEN,
        baseUrl: server.origin,
        mapping: mapping.pipedrive!,
      });
      const links = await sync(crm);
      const records = recordsOf(links);
      const everything = () => Object.values(server.items).flatMap((m) => [...m.values()]);
      const aboutPerson = mentions(everything().filter((o) => !server.items.persons.has(String(o.id))));
      expect(aboutPerson.length).toBeGreaterThan(0);
      expect(records.map((r) => r.type).sort()).toEqual([links.recordType, 'email', 'note', 'task'].sort());
      // Act
      for (let round = 0; round < 2; round++) {
        for (const r of records) await crm.eraseRecord(r.type, r.id);
        await crm.eraseContact(links.contactId!);
      }
      // Assess
      expect(server.items.persons.has(links.contactId!)).toBe(false);
      expect(server.items.deals.size + server.items.leads.size + server.items.notes.size).toBe(0);
      expect(server.items.activities.size).toBe(0);
      expect(mentions(everything())).toEqual([]);
      expect(server.items.organizations.has(links.companyId!)).toBe(true);
      const deletes = server.calls.filter((c) => c.method === 'DELETE');
      expect(deletes.map((c) => [c.path.replace(/\/[\w-]+$/, '/:id'), c.status])).toEqual([
        ...records.map((r) => [
          {
            deal: '/api/v2/deals/:id',
            lead: '/v1/leads/:id',
            note: '/v1/notes/:id',
            task: '/api/v2/activities/:id',
            email: '/api/v2/activities/:id',
          }[r.type],
          200,
        ]),
        ['/api/v2/persons/:id', 200],
        ...records.map(() => [expect.any(String), 404]),
        ['/api/v2/persons/:id', 404],
      ]);
    } finally {
      await server.close();
    }
  });
});
