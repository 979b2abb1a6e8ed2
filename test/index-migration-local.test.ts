/**
 * A persisted local leads table created before the keys-only indexes (every index projecting all attributes,
 * under the former names) is brought to the defined indexes by the local provisioning (`npm start` runs it),
 * on DynamoDB Local, in a table of its own: the new indexes built from the items already stored, the former
 * ones gone, and each reader by key finds its leads through the new index.
 */
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../functions/agent/lead-record';
import { emailSha256 } from '../functions/agent/privacy/rights';
import { sampleEnrichment, sampleLead, sampleScore } from '../functions/agent/testing/samples';
import { DynamoErasureStore, DynamoRetentionStore } from '../functions/platform/erasure-store-dynamodb';
import {
  domainIndexPk,
  emailIndexPk,
  type LeadTable,
  LIST_PK,
  OUTBOX,
  outboxSk,
  ownerIndexKeys,
  retentionAttributes,
} from '../functions/platform/lead-item';
import { slaBreaches } from '../functions/platform/lead-store-escalation';
import { listOutbox } from '../functions/platform/lead-store-intake';
import { leadIdsByDomain } from '../functions/platform/lead-store-rescore';
import { DynamoPrivacyStore } from '../functions/platform/privacy-store-dynamodb';
import { indexStep, TABLES } from '../infra/data-plane';
import { ensureTable } from '../local/provision';
import { dynamoClient } from './support/local-aws';

const stamp = Date.now();
const NOW = new Date();
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000).toISOString();
const RETENTION_DAY = '2027-03-01';
const localName = `leads-index-migration-${stamp}`;
const ddb = dynamoClient();
const db = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
const t: LeadTable = { db, table: localName, now: () => NOW };

/** A routed lead item with the keys of every index, as the code before the migration stored it. */
const leadItem = (o: { domain: string; slaDueAt: string; waitingSince?: string; retainUntil?: string }) => {
  const leadId = ulid();
  const base = sampleLead('nl');
  const email = `inkoop.${stamp}@${o.domain}`;
  const receivedAt = minutesAgo(60);
  const route = { kind: 'owner', ownerId: 'rep-eva', team: 'smb', slaDueAt: o.slaDueAt };
  const record = {
    leadId,
    status: 'routed',
    receivedAt,
    provider: 'json',
    dedupKey: `dedup-${leadId}`,
    lead: {
      ...base,
      person: { ...base.person, email },
      company: { ...base.company, domain: o.domain, website: `https://${o.domain}` },
    },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    route,
    steps: {},
  } as unknown as LeadRecord;
  return {
    leadId,
    email,
    item: {
      pk: `LEAD#${leadId}`,
      sk: 'LEAD',
      ...record,
      ...ownerIndexKeys(leadId, 'rep-eva', o.slaDueAt),
      listPk: LIST_PK,
      prioritySk: `0#${o.slaDueAt}#${leadId}`,
      emailPk: emailIndexPk(emailSha256(email)),
      emailSk: `${receivedAt}#${leadId}`,
      domainPk: domainIndexPk(o.domain),
      domainSk: `${receivedAt}#${leadId}`,
      ...(o.waitingSince ? { outboxPk: OUTBOX, outboxSk: outboxSk(o.waitingSince, leadId) } : {}),
      ...(o.retainUntil ? retentionAttributes(leadId, o.retainUntil) : {}),
    },
  };
};

const overdue = leadItem({
  domain: `achterstand-${stamp}.example`,
  slaDueAt: minutesAgo(10),
  waitingSince: minutesAgo(30),
  retainUntil: `${RETENTION_DAY}T00:00:00.000Z`,
});
const onTime = leadItem({
  domain: `optijd-${stamp}.example`,
  slaDueAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
});
const jobId = ulid();

const indexesOf = async () => {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: localName }));
  return Object.fromEntries(
    (Table?.GlobalSecondaryIndexes ?? []).map((g) => [
      g.IndexName,
      { type: g.Projection?.ProjectionType, attributes: [...(g.Projection?.NonKeyAttributes ?? [])].sort() },
    ]),
  );
};

const defined = Object.fromEntries(
  TABLES.leads.globalSecondaryIndexes.map((i) => [
    i.indexName,
    {
      type: i.projection.type,
      attributes: i.projection.type === 'INCLUDE' ? [...i.projection.attributes].sort() : [],
    },
  ]),
);

beforeAll(async () => {
  // Prepare: the table as the code before the migration created it, holding two leads and a running erasure
  await ensureTable(ddb, {
    ...TABLES.leads,
    localName,
    globalSecondaryIndexes: indexStep(TABLES.leads, 0).indexes,
  });
  for (const { item } of [overdue, onTime])
    await db.send(new PutCommand({ TableName: localName, Item: item }));
  await db.send(
    new PutCommand({
      TableName: localName,
      Item: {
        pk: `ERASURE#${jobId}`,
        sk: 'JOB',
        jobId,
        status: 'running',
        outboxPk: 'ERASURE',
        outboxSk: `${minutesAgo(5)}#${jobId}`,
      },
    }),
  );
});

afterAll(async () => {
  await ddb.send(new DeleteTableCommand({ TableName: localName })).catch(() => undefined);
});

describe('local provisioning of a table stored before the keys-only indexes', () => {
  it('ends with the defined indexes only, and changes nothing when run again', async () => {
    // Prepare
    const before = await indexesOf();

    // Act
    await ensureTable(ddb, { ...TABLES.leads, localName });
    const after = await indexesOf();
    await ensureTable(ddb, { ...TABLES.leads, localName });

    // Assess
    expect(Object.keys(before).sort()).toEqual(
      [
        'byOwner',
        'drafts',
        'outbox',
        'listByPriority',
        'listBySla',
        'ownerByPriority',
        'byEmail',
        'byDomain',
        'byExpiry',
      ].sort(),
    );
    expect(after).toEqual(defined);
    expect(await indexesOf()).toEqual(defined);
  });

  it('finds the stored leads through the new indexes: by address, domain, retention day, outbox and SLA', async () => {
    // Act
    const privacy = new DynamoPrivacyStore(t);
    const byAddress = await privacy.leadIdsByEmail(emailSha256(overdue.email));
    const byDomain = await leadIdsByDomain(t, `achterstand-${stamp}.example`);
    const due = await new DynamoRetentionStore(t).dueOn(RETENTION_DAY);
    const waiting = await listOutbox(t, 60, 10);
    const running = await new DynamoErasureStore(t).runningJobs();
    const breaches = await slaBreaches(t, minutesAgo(120), NOW.toISOString());

    // Assess
    expect(byAddress).toEqual([overdue.leadId]);
    expect(byDomain).toEqual([overdue.leadId]);
    expect(due).toEqual([overdue.leadId]);
    expect(waiting).toEqual([overdue.leadId]);
    expect(running).toEqual([jobId]);
    expect(breaches.map((r) => r.leadId)).toEqual([overdue.leadId]);
    expect(breaches[0]).toMatchObject({
      status: 'routed',
      route: { ownerId: 'rep-eva' },
      enrichment: expect.any(Object),
    });
  });
});
