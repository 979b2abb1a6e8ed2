/**
 * The privacy-keys backfill on DynamoDB Local, in a table of its own (the shared table's other tests must
 * not see their leads gain retention keys): leads stored before the `byEmail` / `byExpiry` keys existed are
 * found by the export's email lookup and by the retention job afterwards; a dry run changes nothing; an
 * interrupted run resumes from its cursor; a second run changes nothing; a lead that has the keys is left
 * alone.
 */
import { readFileSync } from 'node:fs';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../functions/agent/lead-record';
import { retainUntil } from '../functions/agent/privacy/basis';
import { parsePrivacyYaml } from '../functions/agent/privacy/policy';
import { sweepRetention } from '../functions/agent/privacy/retention';
import { emailSha256 } from '../functions/agent/privacy/rights';
import { sampleEnrichment, sampleLead, sampleScore } from '../functions/agent/testing/samples';
import { DynamoErasureStore, DynamoRetentionStore } from '../functions/platform/erasure-store-dynamodb';
import type { LeadTable } from '../functions/platform/lead-item';
import { privacyAttributes } from '../functions/platform/lead-item';
import { backfillPrivacyKeys, type PrivacyBackfillReport } from '../functions/platform/privacy-backfill';
import { DynamoPrivacyStore } from '../functions/platform/privacy-store-dynamodb';
import { TABLES } from '../infra/data-plane';
import { ensureTable } from '../local/provision';
import { dynamoClient } from './support/local-aws';

const policy = parsePrivacyYaml(readFileSync('config/privacy.yaml', 'utf8'));
const NOW = new Date();
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const day = (iso: string) => iso.slice(0, 10);
const stamp = Date.now();
const ADDRESS = { a: `oud.a.${stamp}@oudbedrijf.example`, c: `oud.c.${stamp}@oudbedrijf.example` };

const ddb = dynamoClient();
const db = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
let t: LeadTable;

/** A lead item as stored before the privacy feature: no processing record, no index or TTL keys. */
const oldLead = (o: { email?: string; status: LeadRecord['status']; receivedAt: string }) => {
  const leadId = ulid();
  const base = sampleLead('nl');
  const record: LeadRecord = {
    leadId,
    status: o.status,
    receivedAt: o.receivedAt,
    provider: 'json',
    dedupKey: `dedup-${leadId}`,
    lead: { ...base, person: { ...base.person, email: o.email } },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    steps: {},
  };
  return record;
};
const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: t.table, Item: item }));
const get = async (leadId: string) =>
  (await db.send(new GetCommand({ TableName: t.table, Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' } }))).Item;

const leads = {
  recent: oldLead({ email: ADDRESS.a, status: 'routed', receivedAt: daysAgo(30) }),
  overdue: oldLead({ email: ADDRESS.a, status: 'nurture', receivedAt: daysAgo(400) }),
  spam: oldLead({ email: `spam.${stamp}@spam.example`, status: 'spam', receivedAt: daysAgo(10) }),
  customer: oldLead({ email: ADDRESS.c, status: 'won', receivedAt: daysAgo(100) }),
  noEmail: oldLead({ status: 'routed', receivedAt: daysAgo(5) }),
};
const current = oldLead({ email: ADDRESS.a, status: 'routed', receivedAt: daysAgo(2) });

beforeAll(async () => {
  const table = await ensureTable(ddb, { ...TABLES.leads, localName: `leads-backfill-${stamp}` });
  t = { db, table, now: () => NOW };
  for (const record of Object.values(leads)) {
    await put({ pk: `LEAD#${record.leadId}`, sk: 'LEAD', ...record });
    await put({ pk: `LEAD#${record.leadId}`, sk: `EVENT#2026-01-01#${ulid()}`, kind: 'page_view' });
  }
  // A lead stored by the current code: it has its keys and processing record already.
  const withPrivacy: LeadRecord = {
    ...current,
    privacy: {
      basis: 'legitimate_interest',
      basisSource: 'config',
      purposes: ['enquiry_follow_up'],
      noticeVersion: policy.noticeVersion,
      recordedAt: current.receivedAt,
      retainUntil: retainUntil(current.receivedAt, policy.retentionDays.unconvertedLead),
    },
  };
  await put({ pk: `LEAD#${current.leadId}`, sk: 'LEAD', ...withPrivacy, ...privacyAttributes(withPrivacy) });
}, 120_000);
afterAll(async () => {
  if (t) await ddb.send(new DeleteTableCommand({ TableName: t.table }));
  ddb.destroy();
});

describe('privacy keys backfill', () => {
  it('a dry run counts what it would change and writes nothing', async () => {
    // Act
    const report = await backfillPrivacyKeys(t, { policy, pageSize: 2, dryRun: true });
    // Assess
    expect(report).toMatchObject({ scanned: 5, emailKeys: 4, retention: 5, overdue: 1, skipped: 0 });
    expect(report.cursor).toBeUndefined();
    expect(await new DynamoPrivacyStore(t).leadIdsByEmail(emailSha256(ADDRESS.a))).toEqual([current.leadId]);
    expect((await get(leads.recent.leadId))?.expiryPk).toBeUndefined();
  });

  it('stops after a page with a cursor, resumes from it, and then export and retention find every old lead', async () => {
    // Prepare
    const beforeCurrent = await get(current.leadId);
    // Act: one page of two, then the rest from the cursor
    const pages: PrivacyBackfillReport[] = [];
    const first = await backfillPrivacyKeys(t, { policy, pageSize: 2, maxPages: 1 });
    const rest = await backfillPrivacyKeys(t, {
      policy,
      pageSize: 2,
      from: first.cursor!,
      onPage: (r) => pages.push(r),
    });
    const again = await backfillPrivacyKeys(t, { policy, pageSize: 2 });

    // Assess: every old lead once, in two runs
    expect(first.cursor).toBeTruthy();
    expect(pages.at(-1)?.cursor).toBeUndefined();
    expect(first.retention + rest.retention).toBe(5);
    expect(first.emailKeys + rest.emailKeys).toBe(4);
    expect(first.overdue + rest.overdue).toBe(1);
    // A second run writes nothing (it reads only the lead without an address, which has no email keys to get).
    expect(again).toMatchObject({ scanned: 1, emailKeys: 0, retention: 0, skipped: 0 });
    // The export's and the erasure's lookup finds the address's old leads.
    const store = new DynamoPrivacyStore(t);
    expect((await store.leadIdsByEmail(emailSha256(ADDRESS.a))).sort()).toEqual(
      [leads.recent.leadId, leads.overdue.leadId, current.leadId].sort(),
    );
    expect(await store.leadIdsByEmail(emailSha256(ADDRESS.c))).toEqual([leads.customer.leadId]);
    // Retention by record class, counted from the enquiry; the overdue one is due today.
    const retention = new DynamoRetentionStore(t);
    const due = (record: LeadRecord, days: number) => day(retainUntil(record.receivedAt, days));
    expect(await retention.dueOn(due(leads.recent, policy.retentionDays.unconvertedLead))).toContain(
      leads.recent.leadId,
    );
    expect(await retention.dueOn(due(leads.spam, policy.retentionDays.spamLead))).toContain(
      leads.spam.leadId,
    );
    expect(await retention.dueOn(due(leads.customer, policy.retentionDays.convertedLead))).toContain(
      leads.customer.leadId,
    );
    expect(await retention.dueOn(day(NOW.toISOString()))).toEqual([leads.overdue.leadId]);
    const recent = await get(leads.recent.leadId);
    expect(recent?.privacy).toMatchObject({ basisSource: 'config', recordedAt: NOW.toISOString() });
    expect(recent?.expiresAt).toBe(
      Math.floor(
        Date.parse(retainUntil(leads.recent.receivedAt, policy.retentionDays.unconvertedLead)) / 1000,
      ),
    );
    // A lead without an address gets its retention, no email keys.
    expect(await get(leads.noEmail.leadId)).toMatchObject({ expiryPk: expect.any(String) });
    expect((await get(leads.noEmail.leadId))?.emailPk).toBeUndefined();
    // The lead that had its keys is as it was.
    expect(beforeCurrent).toEqual(await get(current.leadId));
  });

  it('the daily retention job then erases the overdue old lead with its events, and keeps the others', async () => {
    // Act
    const report = await sweepRetention({
      store: new DynamoPrivacyStore(t),
      jobs: new DynamoErasureStore(t),
      retention: new DynamoRetentionStore(t),
      policy,
      crm: () => undefined,
      secret: 'integration-test-privacy-secret-backfill-01',
      auditRetentionDays: 30,
      now: () => NOW,
    });
    // Assess
    expect(report.erased).toBe(1);
    expect(await get(leads.overdue.leadId)).toBeUndefined();
    expect(await new DynamoPrivacyStore(t).leadItems(leads.overdue.leadId)).toEqual([]);
    expect(await get(leads.recent.leadId)).toBeDefined();
    expect(await get(leads.customer.leadId)).toBeDefined();
  });
});
