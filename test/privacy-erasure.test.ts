/**
 * Access and erasure end to end on the in-process local stack, with HubSpot sync configured (the HubSpot
 * stand-in): a person with two leads, one mailed and synced to the CRM, is exported by a privacy officer,
 * then erased — after which a search of every item of the table, every index and every queue (DLQs
 * included) finds no trace of the address, the name or the phone number, the CRM contact is gone, only the
 * salted suppression entry and a PII-free audit record remain, and the prospect's old link answers 404.
 * Erasure is idempotent, and resumable after a crash injected after each of its steps.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../functions/agent/lead-record';
import type { PersonalDataExport } from '../functions/agent/privacy/access';
import {
  ERASURE_STEPS,
  type ErasureDeps,
  type ErasureStep,
  eraseByEmail,
} from '../functions/agent/privacy/erasure';
import { saltedEmailHash } from '../functions/agent/privacy/links';
import { parsePrivacyYaml } from '../functions/agent/privacy/policy';
import { sweepRetention } from '../functions/agent/privacy/retention';
import {
  HUBSPOT_TEST_TOKEN,
  type HubspotServer,
  startHubspotServer,
} from '../functions/agent/testing/crm/hubspot-server';
import { registerTestPersonalData } from '../functions/agent/testing/personal-data';
import { sampleEnrichment, sampleLead, sampleScore } from '../functions/agent/testing/samples';
import { DynamoErasureStore, DynamoRetentionStore } from '../functions/platform/erasure-store-dynamodb';
import { privacyAttributes } from '../functions/platform/lead-item';
import { DynamoPrivacyStore } from '../functions/platform/privacy-store-dynamodb';
import { TABLES } from '../infra/data-plane';
import { sesStore } from './support/local-aws';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

const SECRET = 'integration-test-privacy-secret-erasure-0123';
const stamp = Date.now();
const PERSON = {
  email: `Jozefien.Erasure.${stamp}@roostr.nl`,
  first_name: 'Jozefien',
  last_name: `Wistmaar${stamp}`,
  phone: '+31 20 794 5678',
};
// The whole-suite log scan (test/log-scan/) looks for this run's name and address too.
registerTestPersonalData({
  emails: [PERSON.email],
  names: [PERSON.first_name, PERSON.last_name, `${PERSON.first_name} ${PERSON.last_name}`],
  phones: [PERSON.phone],
});
const traces = (email: string) => [
  email.toLowerCase(),
  createHash('sha256').update(email.toLowerCase()).digest('hex'),
];
const PERSON_TRACES = [
  ...traces(PERSON.email),
  PERSON.first_name.toLowerCase(),
  PERSON.last_name.toLowerCase(),
  '+31207945678',
];

let p: PipelineStack;
let hubspot: HubspotServer;
beforeAll(async () => {
  hubspot = await startHubspotServer();
  p = await startPipelineStack({
    env: {
      PRIVACY_SECRET: SECRET,
      CRM: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TEST_TOKEN,
      HUBSPOT_BASE_URL: hubspot.origin,
      HUBSPOT_WEBHOOK_SECRET: 'hubspot-webhook-secret-for-tests',
    },
    claims: (authorization) => {
      const m = /^Bearer ([\w-]+):(\w+)$/.exec(authorization ?? '');
      return m ? { 'cognito:username': m[1]!, 'cognito:groups': m[2]!, sub: m[1]! } : null;
    },
  });
}, 300_000);
afterAll(async () => {
  await p?.stop();
  await hubspot?.close();
});

const as = (who: string) => ({ authorization: `Bearer ${who}` });
const call = (method: string, path: string, who?: string, body?: unknown) =>
  fetch(`${p.stack.url}${path}`, {
    method,
    headers: { ...(who ? as(who) : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const lead = async (leadId: string) =>
  (await (await call('GET', `/leads/${leadId}`, 'mgr-sofie:manager')).json()) as LeadRecord &
    Record<string, unknown>;
const until = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** Every item of the table, every item of each index, and every message of every queue and DLQ, as text. */
const everythingStored = async (): Promise<string[]> => {
  const table = p.stack.provisioned.tables.leads;
  const texts: string[] = [];
  for (const IndexName of [undefined, ...TABLES.leads.globalSecondaryIndexes.map((i) => i.indexName)]) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await p.db.send(
        new ScanCommand({ TableName: table, ...(IndexName ? { IndexName } : {}), ExclusiveStartKey: start }),
      );
      texts.push(...(out.Items ?? []).map((i) => JSON.stringify(i)));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  const queues = [
    ...Object.values(p.stack.provisioned.queueUrls),
    ...Object.values(p.stack.provisioned.dlqUrls),
  ];
  for (const QueueUrl of queues) {
    const out = await p.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
      }),
    );
    texts.push(...(out.Messages ?? []).map((m) => m.Body ?? ''));
  }
  return texts;
};
const hitsOf = (texts: string[], needles: string[]) =>
  texts.filter((t) => needles.some((n) => t.toLowerCase().includes(n.toLowerCase())));
/** Every object the HubSpot stand-in holds besides contacts (deals, notes, tasks, emails, companies), as text. */
const hubspotRecords = () =>
  [...hubspot.objects.entries()]
    .filter(([type]) => type !== 'contacts')
    .flatMap(([type, objects]) => [...objects.values()].map((o) => `${type} ${JSON.stringify(o)}`));

let first: string;
let second: string;
let link: string;

describe('access and erasure on the local stack', () => {
  it('exports everything held about an address to a privacy officer, with sources and a summary', async () => {
    // Prepare: a mailed, CRM-synced lead and a second lead of the same person
    first = await p.post(roostrSubmission(p.site.origin, PERSON));
    await until('a pending draft', async () =>
      (await lead(first)).draft?.status === 'pending' ? true : undefined,
    );
    expect((await call('POST', `/drafts/${first}/approve`, 'mgr-sofie:manager', {})).status).toBe(202);
    const mail = await until('the mail', async () =>
      (await sesStore(p.stack.endpoints.sesv2)).emails.find((e) =>
        e.destination.to.some((t) => t.toLowerCase() === PERSON.email.toLowerCase()),
      ),
    );
    link = /(http\S+\/privacy\?t=\S+)/.exec(mail.body.text ?? '')![1]!;
    await p.sqs.send(
      new SendMessageCommand({
        QueueUrl: p.stack.provisioned.queueUrls.crm!,
        MessageBody: JSON.stringify({ leadId: first, trigger: 'routed' }),
      }),
    );
    const contactId = await until(
      'the CRM contact',
      async () => (await p.item(`CRM#${first}`, 'CRM'))?.contactId,
    );
    second = await p.post(
      roostrSubmission(p.site.origin, {
        ...PERSON,
        message: 'Tweede vraag: werkt het met ons kassasysteem?',
      }),
    );
    await until('the second lead routed', async () => ((await lead(second)).route ? true : undefined));

    // Act
    const refused = await call(
      'GET',
      `/privacy/export?email=${encodeURIComponent(PERSON.email)}`,
      'rep-anna:sales',
    );
    const res = await call(
      'GET',
      `/privacy/export?email=${encodeURIComponent(PERSON.email.toUpperCase())}`,
      'ops-lars:privacy',
    );
    const data = (await res.json()) as PersonalDataExport;

    // Assess
    expect(refused.status).toBe(403);
    expect(res.status).toBe(200);
    expect(data.leads.map((l) => l.leadId).sort()).toEqual([first, second].sort());
    const mailed = data.leads.find((l) => l.leadId === first)!;
    expect(mailed.submission.lead.person.email).toBe(PERSON.email.toLowerCase());
    expect(mailed.enrichmentSources.some((s) => s.source.includes('KvK'))).toBe(true);
    expect(mailed.explanation.en.counterfactuals.length).toBeGreaterThan(0);
    expect(mailed.items[0]).toMatchObject({ sk: 'LEAD', draft: { status: 'sent' } });
    expect(mailed.items).toContainEqual(expect.objectContaining({ pk: `CRM#${first}`, contactId }));
    expect(data.summary.nl).toContain('2 aanvragen');
    expect(data.summary.en).toContain('We sent you 1 email');
    expect(hubspot.objects.get('contacts')?.has(String(contactId))).toBe(true);
  }, 400_000);

  it('erases the person from every item, index, queue and the CRM, keeping only a salted suppression entry', async () => {
    // Prepare
    const links = await until('the CRM deal and its task', async () => {
      const item = await p.item(`CRM#${first}`, 'CRM');
      const activities = Object.values((item?.activities ?? {}) as Record<string, { id?: string }>);
      return item?.recordId && activities.some((a) => a.id) ? item : undefined;
    });
    const contactId = String(links.contactId);
    // The deal, note and task the sync made name the person (the task's subject does), beyond the contact.
    expect(hitsOf(hubspotRecords(), PERSON_TRACES).length).toBeGreaterThan(0);
    // Act
    const res = await call('POST', '/privacy/erase', 'ops-lars:ops', { email: PERSON.email });
    const again = await call('POST', '/privacy/erase', 'ops-lars:ops', { email: PERSON.email });
    const oldLink = await fetch(link.replace(/^https?:\/\/[^/]+/, p.stack.url));
    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'done', counts: { leads: 2, crmContacts: 1 } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'done', runs: 2, counts: { leads: 2 } });
    expect(oldLink.status).toBe(404);
    expect(hubspot.objects.get('contacts')?.has(contactId)).toBe(false);
    expect(hubspot.objects.get('deals')?.has(String(links.recordId))).toBe(false);
    expect(hitsOf(hubspotRecords(), PERSON_TRACES)).toEqual([]);
    const salted = saltedEmailHash(SECRET, PERSON.email);
    expect(await p.item(`SUPPRESS#${salted}`, 'SUPPRESS')).toMatchObject({
      reason: 'erasure',
      noProfiling: true,
    });
    const audit = await p.item(`ERASURE#${salted}`, 'JOB');
    expect(audit).toMatchObject({ status: 'done', requestedBy: 'ops-lars', via: 'ops' });
    expect(audit?.keys).toBeUndefined();
    expect(Number(audit?.expiresAt)).toBeGreaterThan(Date.now() / 1000);
    const stored = await everythingStored();
    expect(stored.length).toBeGreaterThan(0);
    expect(hitsOf(stored, PERSON_TRACES)).toEqual([]);
    // Lead ids are random; what still names them must not be about the person.
    expect(
      hitsOf(stored, [first, second]).filter(
        // CRM events, per-domain send counts and intake id reservations hold ids only, and expire.
        (t) => !t.includes('CRMEVT#') && !t.includes('LIMIT#DOMAIN') && !t.includes('"reservedFor"'),
      ),
    ).toEqual([]);
  }, 120_000);

  it('finishes an erasure that crashed after any step, and leaves nothing behind', async () => {
    const table = p.stack.provisioned.tables.leads;
    const t = { db: p.db, table, now: () => new Date() };
    for (const step of ERASURE_STEPS) {
      // Prepare: a stored lead of its own address with an event item, CRM links and a cache entry
      const email = `crash.${step}.${stamp}@crashco.example`;
      const leadId = ulid();
      const base = sampleLead('nl');
      const record: LeadRecord = {
        leadId,
        status: 'routed',
        receivedAt: new Date().toISOString(),
        provider: 'json',
        dedupKey: `dedup-${leadId}`,
        lead: {
          ...base,
          person: { ...base.person, email },
          company: { ...base.company, domain: 'crashco.example' },
        },
        raw: { contentType: 'application/json', body: JSON.stringify({ email }), isBase64Encoded: false },
        enrichment: sampleEnrichment(),
        score: sampleScore(),
        steps: {},
      };
      await p.db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `LEAD#${leadId}`, sk: 'LEAD', ...record, ...privacyAttributes(record) },
        }),
      );
      await p.put({ pk: `LEAD#${leadId}`, sk: `EVENT#2026-01-01#${ulid()}`, kind: 'page_view', email });
      await p.put({
        pk: `CRM#${leadId}`,
        sk: 'CRM',
        leadId,
        crm: 'hubspot',
        contactId: `9${stamp % 1000}${ERASURE_STEPS.indexOf(step)}`,
        recordId: `7${stamp % 1000}${ERASURE_STEPS.indexOf(step)}`,
        recordType: 'deal',
        activities: {
          'note:a': { id: `5${ERASURE_STEPS.indexOf(step)}1`, kind: 'note', at: '2026-01-01T00:00:00Z' },
          'task:b': { id: `5${ERASURE_STEPS.indexOf(step)}2`, kind: 'task', at: '2026-01-01T00:00:00Z' },
          // Reserved, never confirmed: no id to delete.
          'email:c': { kind: 'email', at: '2026-01-01T00:00:00Z' },
        },
      });
      await p.put({ pk: `DEDUP#dedup-${leadId}`, sk: 'DEDUP', leadId });
      await p.put({ pk: 'CACHE#intent:v1:crashco.example', sk: 'CACHE', value: { v: { signals: [] } } });
      const erased: string[] = [];
      const recordsErased: string[] = [];
      let crashAt: ErasureStep | undefined = step;
      const deps: ErasureDeps = {
        store: new DynamoPrivacyStore(t),
        jobs: new DynamoErasureStore(t),
        crm: (kind) =>
          kind === 'hubspot'
            ? {
                eraseContact: async (id) => void erased.push(id),
                eraseRecord: async (type, id) => void recordsErased.push(`${type}:${id}`),
              }
            : undefined,
        secret: SECRET,
        auditRetentionDays: 30,
        now: () => new Date(),
        afterStep: (done) => {
          if (done === crashAt) throw new Error(`injected crash after ${done}`);
        },
      };

      // Act: the first request dies after `step`; the next one resumes
      await expect(eraseByEmail(deps, email, { by: 'ops-lars', via: 'ops' })).rejects.toThrow(
        'injected crash',
      );
      crashAt = undefined;
      const done = await eraseByEmail(deps, email, { by: 'ops-lars', via: 'ops' });

      // Assess
      expect(done).toMatchObject({
        status: 'done',
        runs: 1,
        counts: { leads: 1, crmContacts: 1, crmRecords: 3 },
      });
      expect(erased).toHaveLength(1);
      const i = ERASURE_STEPS.indexOf(step);
      expect(recordsErased.sort()).toEqual(
        [`deal:7${stamp % 1000}${i}`, `note:5${i}1`, `task:5${i}2`].sort(),
      );
      expect(await p.item(`LEAD#${leadId}`, 'LEAD')).toBeUndefined();
      expect(await p.item(`CRM#${leadId}`, 'CRM')).toBeUndefined();
      expect(await p.item(`DEDUP#dedup-${leadId}`, 'DEDUP')).toBeUndefined();
      expect(await p.item('CACHE#intent:v1:crashco.example', 'CACHE')).toBeUndefined();
      expect(hitsOf(await everythingStored(), [...traces(email), leadId])).toEqual([]);
    }
  }, 400_000);

  it('erases the CRM contact a sync in flight wrote back after the delete step, and its person reference', async () => {
    // Prepare: a lead of its own address; during the erasure, right after the delete step, a CRM sync that
    // was in flight stores the contact it (re)created under the address
    const table = p.stack.provisioned.tables.leads;
    const t = { db: p.db, table, now: () => new Date() };
    const email = `inflight.${stamp}@inflightco.example`;
    const leadId = ulid();
    const base = sampleLead('nl');
    const record: LeadRecord = {
      leadId,
      status: 'routed',
      receivedAt: new Date().toISOString(),
      provider: 'json',
      dedupKey: `dedup-${leadId}`,
      lead: { ...base, person: { ...base.person, email } },
      raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
      steps: {},
    };
    await p.db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `LEAD#${leadId}`, sk: 'LEAD', ...record, ...privacyAttributes(record) },
      }),
    );
    const personRef = `CRMREF#hubspot#person#${createHash('sha256').update(email).digest('hex')}`;
    const erased: string[] = [];
    const deps: ErasureDeps = {
      store: new DynamoPrivacyStore(t),
      jobs: new DynamoErasureStore(t),
      crm: () => ({
        eraseContact: async (id) => void erased.push(id),
        eraseRecord: async () => undefined,
      }),
      secret: SECRET,
      auditRetentionDays: 30,
      now: () => new Date(),
      afterStep: async (step) => {
        if (step === 'delete') await p.put({ pk: personRef, sk: 'REF', value: '88001' });
      },
    };
    // Act
    await eraseByEmail(deps, email, { by: 'ops-lars', via: 'ops' });
    // Assess
    expect(erased).toEqual(['88001']);
    expect(await p.item(personRef, 'REF')).toBeUndefined();
    expect(hitsOf(await everythingStored(), [...traces(email), leadId])).toEqual([]);
  }, 120_000);

  it('applies retention: an expired lead is erased with what hangs on it, a customer is kept longer', async () => {
    // Prepare: leads whose retention ends today (a customer among them) and a newer lead of the same address
    const table = p.stack.provisioned.tables.leads;
    const t = { db: p.db, table, now: () => new Date() };
    const policy = parsePrivacyYaml(readFileSync('config/privacy.yaml', 'utf8'));
    const today = new Date();
    const seed = async (o: {
      email: string;
      status: LeadRecord['status'];
      receivedDaysAgo: number;
      until: Date;
    }) => {
      const leadId = ulid();
      const base = sampleLead('nl');
      const record: LeadRecord = {
        leadId,
        status: o.status,
        receivedAt: new Date(today.getTime() - o.receivedDaysAgo * 86_400_000).toISOString(),
        provider: 'json',
        dedupKey: `dedup-${leadId}`,
        lead: { ...base, person: { ...base.person, email: o.email } },
        raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
        privacy: {
          basis: 'legitimate_interest',
          basisSource: 'config',
          purposes: ['enquiry_follow_up'],
          noticeVersion: 'test',
          recordedAt: today.toISOString(),
          retainUntil: o.until.toISOString(),
        },
        steps: {},
      };
      await p.db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `LEAD#${leadId}`, sk: 'LEAD', ...record, ...privacyAttributes(record) },
        }),
      );
      await p.put({
        pk: `CRM#${leadId}`,
        sk: 'CRM',
        leadId,
        crm: 'hubspot',
        contactId: `7${leadId.slice(-6)}`,
      });
      await p.put({ pk: `DEDUP#dedup-${leadId}`, sk: 'DEDUP', leadId });
      return leadId;
    };
    const shared = `retention.shared.${stamp}@retentionco.example`;
    const alone = `retention.alone.${stamp}@retentionco.example`;
    const expiredShared = await seed({ email: shared, status: 'routed', receivedDaysAgo: 365, until: today });
    const newer = await seed({
      email: shared,
      status: 'routed',
      receivedDaysAgo: 1,
      until: new Date(today.getTime() + 364 * 86_400_000),
    });
    const expiredAlone = await seed({ email: alone, status: 'sent', receivedDaysAgo: 365, until: today });
    const customer = await seed({
      email: `retention.won.${stamp}@retentionco.example`,
      status: 'won',
      receivedDaysAgo: 365,
      until: today,
    });
    const sharedHash = createHash('sha256').update(shared).digest('hex');
    await p.put({ pk: `LIMIT#ADDR#${sharedHash}`, sk: 'LIMIT', leadId: newer });
    const erased: string[] = [];

    // Act
    const report = await sweepRetention({
      store: new DynamoPrivacyStore(t),
      jobs: new DynamoErasureStore(t),
      retention: new DynamoRetentionStore(t),
      policy,
      crm: () => ({
        eraseContact: async (id) => void erased.push(id),
        eraseRecord: async () => {
          throw new Error('retention leaves the CRM records to the CRM');
        },
      }),
      secret: SECRET,
      auditRetentionDays: 30,
      now: () => today,
    });

    // Assess
    expect(report.erased).toBeGreaterThanOrEqual(2);
    expect(report.extended).toBeGreaterThanOrEqual(1);
    for (const id of [expiredShared, expiredAlone]) {
      expect(await p.item(`LEAD#${id}`, 'LEAD')).toBeUndefined();
      expect(await p.item(`CRM#${id}`, 'CRM')).toBeUndefined();
      expect(await p.item(`DEDUP#dedup-${id}`, 'DEDUP')).toBeUndefined();
    }
    // The address still has a lead: its send-limit claim and CRM contact stay; the other address's contact goes.
    expect(await p.item(`LEAD#${newer}`, 'LEAD')).toBeDefined();
    expect(await p.item(`LIMIT#ADDR#${sharedHash}`, 'LIMIT')).toBeDefined();
    expect(erased).toEqual([`7${expiredAlone.slice(-6)}`]);
    const kept = await p.item(`LEAD#${customer}`, 'LEAD');
    const until = new Date(
      Date.parse(String(kept?.receivedAt)) + policy.retentionDays.convertedLead * 86_400_000,
    );
    expect(kept).toMatchObject({
      expiresAt: Math.floor(until.getTime() / 1000),
      expiryPk: `EXPIRY#${until.toISOString().slice(0, 10)}`,
    });
  }, 120_000);
});
