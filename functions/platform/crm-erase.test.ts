/** GDPR erasure of a synced contact through each CRM adapter, against the local CRM servers (real wire format). */
import { describe, expect, it } from 'vitest';
import { InMemoryCrmStore } from '../agent/crm/memory';
import { syncLeads } from '../agent/crm/sync';
import { crmLeadRecord, testMapping } from '../agent/testing/crm/fixtures';
import { HUBSPOT_TEST_TOKEN, startHubspotServer } from '../agent/testing/crm/hubspot-server';
import { PIPEDRIVE_TEST_TOKEN, startPipedriveServer } from '../agent/testing/crm/pipedrive-server';
import { HubspotCrm } from './crm-hubspot';
import { PipedriveCrm } from './crm-pipedrive';

const mapping = testMapping();
const sync = async (crm: HubspotCrm | PipedriveCrm) => {
  const store = new InMemoryCrmStore();
  const record = crmLeadRecord(0);
  const [result] = await syncLeads([{ record, job: { leadId: record.leadId, trigger: 'routed' } }], {
    crm,
    store,
    mapping,
    now: () => new Date('2026-03-02T09:00:00Z'),
    leadPageBaseUrl: 'https://leads.example.com/#/leads/',
  });
  return result!.links!.contactId!;
};

describe('CRM erasure', () => {
  it('HubSpot: GDPR-deletes the contact, and a second erasure of the same contact is fine', async () => {
    // Prepare
    const server = await startHubspotServer();
    try {
      const crm = new HubspotCrm({
        accessToken: HUBSPOT_TEST_TOKEN,
        baseUrl: server.origin,
        mapping: mapping.hubspot!,
      });
      const contactId = await sync(crm);
      expect(server.objects.get('contacts')?.has(contactId)).toBe(true);
      // Act
      await crm.eraseContact(contactId);
      await crm.eraseContact(contactId);
      // Assess
      expect(server.objects.get('contacts')?.has(contactId)).toBe(false);
      expect(server.associated('contacts', contactId, 'deals')).toEqual([]);
      expect(server.calls.filter((c) => c.path.endsWith('/gdpr-delete')).map((c) => c.status)).toEqual([
        204, 404,
      ]);
    } finally {
      await server.close();
    }
  });

  it('Pipedrive: deletes the person, and a second erasure of the same person is fine', async () => {
    // Prepare
    const server = await startPipedriveServer();
    try {
      const crm = new PipedriveCrm({
        apiToken: PIPEDRIVE_TEST_TOKEN,
        baseUrl: server.origin,
        mapping: mapping.pipedrive!,
      });
      const contactId = await sync(crm);
      // Act
      await crm.eraseContact(contactId);
      await crm.eraseContact(contactId);
      // Assess
      expect(server.items.persons.has(contactId)).toBe(false);
      const deletes = server.calls.filter((c) => c.method === 'DELETE');
      expect(deletes.map((c) => [c.path, c.status])).toEqual([
        [`/api/v2/persons/${contactId}`, 200],
        [`/api/v2/persons/${contactId}`, 404],
      ]);
    } finally {
      await server.close();
    }
  });
});
