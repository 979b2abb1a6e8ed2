/**
 * The workspace API on DynamoDB Local through the local API Gateway: GET /leads (every state, who sees what,
 * filters, priority and SLA order, paging without gaps), notes and calls, the timeline.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRecord } from '../functions/agent/lead-record';
import type { LeadStatus, Quadrant, Tier } from '../functions/agent/qualification';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../functions/agent/testing/samples';
import { listIndexKeys, ownerIndexKeys } from '../functions/platform/lead-item';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let tokens: Record<'bram' | 'eva' | 'sofie' | 'lars', string>;

interface Put {
  readonly company: string;
  readonly status: LeadStatus;
  readonly tier?: Tier;
  readonly quadrant?: Quadrant;
  readonly ownerId?: string;
  readonly team?: string;
  readonly sla?: string;
  readonly nurture?: boolean;
  readonly disposition?: string;
}

/** Puts a lead item as the pipeline leaves it (record plus the index keys the product's writes set). */
const put = async (o: Put): Promise<string> => {
  const leadId = ulid();
  const base = sampleLead('nl');
  const scored = o.tier !== undefined;
  const routed = scored && o.status !== 'spam' && o.status !== 'received' && o.status !== 'failed';
  const route = routed
    ? o.nurture
      ? {
          ...sampleRoute(),
          kind: 'nurture' as const,
          ownerId: undefined,
          team: undefined,
          slaDueAt: undefined,
        }
      : { ...sampleRoute(), ownerId: o.ownerId ?? 'rep-bram', team: o.team ?? 'smb', slaDueAt: o.sla }
    : undefined;
  const record: LeadRecord = {
    leadId,
    status: o.status,
    receivedAt: new Date().toISOString(),
    provider: 'json',
    dedupKey: leadId,
    lead: { ...base, company: { ...base.company, name: o.company } },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    steps: {},
    ...(scored
      ? {
          enrichment: sampleEnrichment(),
          score: { ...sampleScore(), tier: o.tier, quadrant: o.quadrant ?? 'proactive_outreach' },
        }
      : {}),
    ...(route ? { route } : {}),
    ...(o.status === 'spam' ? { spam: { reason: 'honeypot' } } : {}),
  };
  await stack.db.send(
    new PutCommand({
      TableName: stack.table,
      Item: {
        pk: `LEAD#${leadId}`,
        sk: 'LEAD',
        ...record,
        ...(o.disposition ? { disposition: { kind: o.disposition } } : {}),
        ...(route ? ownerIndexKeys(leadId, route.ownerId, route.slaDueAt) : {}),
        ...listIndexKeys(record),
      },
    }),
  );
  return leadId;
};

const ids: Record<string, string> = {};
type Item = { leadId: string; company: string; ownerName?: string; leadStatus: string; tier?: string };
const list = async (who: keyof typeof tokens, query = '') => {
  const res = await stack.api('GET', `/leads${query}`, tokens[who]);
  return { status: res.status, body: res.body as { items: Item[]; nextCursor?: string; message?: string } };
};
/** Every page of a listing, following nextCursor. */
const all = async (who: keyof typeof tokens, query: string) => {
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const sep = query ? '&' : '?';
    const res = await list(who, `${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return items;
};
const companies = (items: Item[]) => items.map((i) => i.company);

beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'review' });
  tokens = {
    bram: await stack.token('rep-bram'),
    eva: await stack.token('rep-eva'),
    sofie: await stack.token('mgr-sofie'),
    lars: await stack.token('ops-lars'),
  };
  ids.hotLate = await put({
    company: 'Hot Late BV',
    status: 'drafted',
    tier: 'hot',
    sla: '2030-01-02T10:00:00.000Z',
  });
  ids.hotSoon = await put({
    company: 'Hot Soon BV',
    status: 'routed',
    tier: 'hot',
    quadrant: 'act_now',
    sla: '2030-01-01T09:00:00.000Z',
  });
  ids.warmEva = await put({
    company: 'Warm Eva Logistics',
    status: 'sent',
    tier: 'warm',
    ownerId: 'rep-eva',
    team: 'enterprise',
    sla: '2030-01-01T08:00:00.000Z',
  });
  ids.cold = await put({
    company: 'Cold Bram Retail',
    status: 'drafted',
    tier: 'cold',
    sla: '2030-01-05T10:00:00.000Z',
  });
  ids.nurture = await put({ company: 'Nurture Bakery', status: 'nurture', tier: 'cold', nurture: true });
  ids.won = await put({
    company: 'Won Deal BV',
    status: 'won',
    tier: 'warm',
    ownerId: 'rep-eva',
    sla: '2030-01-03T10:00:00.000Z',
  });
  ids.spam = await put({ company: 'Spam Inc', status: 'spam' });
  ids.job = await put({
    company: 'Applicant Jobs',
    status: 'nurture',
    tier: 'cold',
    nurture: true,
    disposition: 'job_application',
  });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

describe('GET /leads', () => {
  it('shows a manager every lead in every state, hot first then the SLA due soonest, unscored last, with owners', async () => {
    // Act
    const items = await all('sofie', '');
    // Assess
    expect(companies(items)).toEqual([
      'Hot Soon BV',
      'Hot Late BV',
      'Warm Eva Logistics',
      'Won Deal BV',
      'Cold Bram Retail',
      ...companies(items).slice(5, 7),
      'Spam Inc',
    ]);
    expect(new Set(companies(items).slice(5, 7))).toEqual(new Set(['Nurture Bakery', 'Applicant Jobs']));
    expect(items.find((i) => i.company === 'Warm Eva Logistics')?.ownerName).toBe('Eva Bakker');
  });

  it('orders by SLA when asked: soonest first, leads without an SLA last', async () => {
    // Act
    const items = await all('sofie', '?sort=sla');
    // Assess
    expect(companies(items).slice(0, 5)).toEqual([
      'Warm Eva Logistics',
      'Hot Soon BV',
      'Hot Late BV',
      'Won Deal BV',
      'Cold Bram Retail',
    ]);
    expect(items).toHaveLength(8);
  });

  it('shows a rep only their own leads, refuses another owner, and lets ops see all', async () => {
    // Act
    const bram = await all('bram', '');
    const other = await list('bram', '?owner=rep-eva');
    const ops = await all('lars', '');
    // Assess
    expect(companies(bram)).toEqual(['Hot Soon BV', 'Hot Late BV', 'Cold Bram Retail']);
    expect(other.status).toBe(403);
    expect(ops).toHaveLength(8);
  });

  it('filters on status, owner, team, tier, quadrant, disposition and words of the company', async () => {
    // Act
    const found = {
      nurture: companies(await all('sofie', '?status=nurture')),
      owner: companies(await all('sofie', '?owner=rep-eva&sort=sla')),
      team: companies(await all('sofie', '?team=enterprise')),
      hot: companies(await all('sofie', '?tier=hot')),
      hotBySla: companies(await all('sofie', '?tier=hot&sort=sla')),
      quadrant: companies(await all('sofie', '?quadrant=act_now')),
      disposition: companies(await all('sofie', '?disposition=job_application')),
      q: companies(await all('sofie', `?q=${encodeURIComponent('  BAKERY ')}`)),
      combined: companies(await all('bram', '?tier=cold&status=drafted')),
    };
    // Assess
    expect(found).toEqual({
      nurture: expect.arrayContaining(['Nurture Bakery', 'Applicant Jobs']),
      owner: ['Warm Eva Logistics', 'Won Deal BV'],
      team: ['Warm Eva Logistics'],
      hot: ['Hot Soon BV', 'Hot Late BV'],
      hotBySla: ['Hot Soon BV', 'Hot Late BV'],
      quadrant: ['Hot Soon BV'],
      disposition: ['Applicant Jobs'],
      q: ['Nurture Bakery'],
      combined: ['Cold Bram Retail'],
    });
    expect(found.nurture).toHaveLength(2);
  });

  it('pages without gaps or repeats, with and without filters', async () => {
    // Act
    const whole = companies(await all('sofie', ''));
    const paged = companies(await all('sofie', '?limit=2'));
    const pagedSla = companies(await all('sofie', '?limit=3&sort=sla'));
    const filtered = companies(await all('sofie', '?limit=1&status=drafted'));
    // Assess
    expect(paged).toEqual(whole);
    expect(new Set(pagedSla).size).toBe(8);
    expect(filtered).toEqual(['Hot Late BV', 'Cold Bram Retail']);
  });

  it('answers exactly the leads asked for by id, in that order, a rep only their own, unknown ids left out', async () => {
    // Prepare
    const query = `?ids=${[ids.won, ids.hotSoon, ulid(), ids.cold].join(',')}`;
    // Act
    const sofie = await list('sofie', query);
    const bram = await list('bram', query);
    // Assess
    expect(sofie.status).toBe(200);
    expect(companies(sofie.body.items)).toEqual(['Won Deal BV', 'Hot Soon BV', 'Cold Bram Retail']);
    expect(sofie.body.nextCursor).toBeUndefined();
    expect(companies(bram.body.items)).toEqual(['Hot Soon BV', 'Cold Bram Retail']);
  });

  it('refuses ids that are no lead ids or more than 200 of them, naming ids', async () => {
    // Act
    const bad = await list('sofie', '?ids=not-a-lead');
    const empty = await list('sofie', '?ids=');
    const many = await list('sofie', `?ids=${Array.from({ length: 201 }, () => ulid()).join(',')}`);
    // Assess
    expect([bad.status, empty.status, many.status]).toEqual([400, 400, 400]);
    expect((bad.body as { issues?: unknown }).issues).toEqual([expect.objectContaining({ field: 'ids' })]);
  });

  it('refuses bad parameters naming the field, and a cursor it did not hand out', async () => {
    // Act
    const status = await stack.api('GET', '/leads?status=open', tokens.sofie);
    const limit = await stack.api('GET', '/leads?limit=0', tokens.sofie);
    const forged = Buffer.from(
      JSON.stringify({ pk: 'RR#x', sk: 'SEQ', listPk: 'LEADS', prioritySk: '0' }),
    ).toString('base64url');
    const cursor = await stack.api('GET', `/leads?cursor=${forged}`, tokens.sofie);
    const garbage = await stack.api('GET', '/leads?cursor=%%%', tokens.sofie);
    const none = await stack.api('GET', '/leads');
    // Assess
    expect([status.status, limit.status, cursor.status, garbage.status, none.status]).toEqual([
      400, 400, 400, 400, 401,
    ]);
    expect(status.body.issues).toEqual([expect.objectContaining({ field: 'status' })]);
  });

  it('lists a lead the moment intake stores it, and moves it up when a person overrides its tier', async () => {
    // Prepare
    const store = new DynamoLeadStore(stack.db, stack.table);
    const fresh = ulid();
    const base = sampleLead('en');
    await store.create(
      {
        leadId: fresh,
        status: 'received',
        receivedAt: new Date().toISOString(),
        provider: 'json',
        dedupKey: `dedup-${fresh}`,
        lead: { ...base, company: { ...base.company, name: 'Fresh Intake Ltd' } },
        raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
        steps: {},
      },
      { dedupWindowSeconds: 60, pendingEnqueue: false },
    );
    // Act
    const before = companies(await all('sofie', '?q=fresh'));
    const override = await stack.api('POST', `/leads/${ids.cold}/override`, tokens.sofie, {
      tier: 'hot',
      reason: 'Called us back: budget approved',
    });
    const hot = companies(await all('sofie', '?tier=hot'));
    // Assess
    expect(before).toEqual(['Fresh Intake Ltd']);
    expect(override.status).toBe(200);
    expect(hot).toEqual(['Hot Soon BV', 'Hot Late BV', 'Cold Bram Retail']);
  });
});

describe('notes, calls and the timeline', () => {
  it('records a note and a call, newest first on the timeline, and refuses ops, other reps and empty notes', async () => {
    // Act
    const note = await stack.api('POST', `/leads/${ids.hotSoon}/notes`, tokens.bram, {
      text: 'Asked for a demo next week',
    });
    const call = await stack.api('POST', `/leads/${ids.hotSoon}/notes`, tokens.bram, {
      kind: 'call',
      callResult: 'voicemail',
    });
    const ops = await stack.api('POST', `/leads/${ids.hotSoon}/notes`, tokens.lars, { text: 'x' });
    const eva = await stack.api('POST', `/leads/${ids.hotSoon}/notes`, tokens.eva, { text: 'x' });
    const empty = await stack.api('POST', `/leads/${ids.hotSoon}/notes`, tokens.bram, { text: '  ' });
    const timeline = await stack.api('GET', `/leads/${ids.hotSoon}/timeline`, tokens.bram);
    const evaTimeline = await stack.api('GET', `/leads/${ids.hotSoon}/timeline`, tokens.eva);
    // Assess
    expect([note.status, call.status, ops.status, eva.status, empty.status]).toEqual([
      201, 201, 403, 404, 400,
    ]);
    const entries = timeline.body.entries as {
      kind: string;
      at: string;
      byName?: string;
      detail: Record<string, unknown>;
    }[];
    expect(entries.slice(0, 2).map((e) => e.kind)).toEqual(['call', 'note']);
    expect(entries[0]?.detail.callResult).toBe('voicemail');
    expect(entries[1]).toMatchObject({
      byName: 'Bram Jansen',
      detail: { text: 'Asked for a demo next week' },
    });
    expect(entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['submitted', 'enriched', 'scored', 'routed']),
    );
    const times = entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(evaTimeline.status).toBe(404);
  });
});
