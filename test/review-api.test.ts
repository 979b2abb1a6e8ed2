/** The review API: authorization matrix, approve → exactly one mail under concurrency, reject, reassign, override. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let tokens: Record<'bram' | 'eva' | 'sofie' | 'lars', string>;
const pendingLead = async (email?: string) => {
  const leadId = await stack.seed({ ownerId: 'rep-bram', ...(email ? { email } : {}) });
  await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 60_000);
  return leadId;
};

beforeAll(async () => {
  // A `sending` draft counts as a dead attempt after 3 s (120 s in production), so the in-flight case is quick.
  stack = await startReviewStack({ handoff: 'review', sendStuckAfterSeconds: 3 });
  tokens = {
    bram: await stack.token('rep-bram'),
    eva: await stack.token('rep-eva'),
    sofie: await stack.token('mgr-sofie'),
    lars: await stack.token('ops-lars'),
  };
});
afterAll(async () => {
  await stack?.stop();
});

describe('authorization', () => {
  it('answers 401 without or with a forged token', async () => {
    // Prepare
    const forged = `${tokens.bram.slice(0, -4)}AAAA`;
    // Act
    const none = await stack.api('GET', '/drafts');
    const bad = await stack.api('GET', '/me', forged);
    // Assess
    expect(none.status).toBe(401);
    expect(bad.status).toBe(401);
  });

  it('applies the roles × actions matrix; another rep’s lead is 404', async () => {
    // Prepare
    const leadId = await pendingLead();
    const call = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) =>
      (await stack.api(method, path, tokens[who], body)).status;
    // Act
    const matrix = {
      me: await Promise.all((['bram', 'eva', 'sofie', 'lars'] as const).map((w) => call(w, 'GET', '/me'))),
      drafts: await Promise.all(
        (['bram', 'eva', 'sofie', 'lars'] as const).map((w) => call(w, 'GET', '/drafts')),
      ),
      read: await Promise.all(
        (['bram', 'eva', 'sofie', 'lars'] as const).map((w) => call(w, 'GET', `/leads/${leadId}`)),
      ),
      edit: await Promise.all(
        (['eva', 'lars'] as const).map((w) =>
          call(w, 'PUT', `/drafts/${leadId}`, { subject: 'S', body: 'B' }),
        ),
      ),
      approve: await Promise.all(
        (['eva', 'lars'] as const).map((w) => call(w, 'POST', `/drafts/${leadId}/approve`)),
      ),
      reassign: await Promise.all(
        (['bram', 'lars'] as const).map((w) =>
          call(w, 'POST', `/leads/${leadId}/reassign`, { ownerId: 'rep-eva', reason: 'holiday' }),
        ),
      ),
      override: await Promise.all(
        (['eva', 'lars'] as const).map((w) =>
          call(w, 'POST', `/leads/${leadId}/override`, { tier: 'hot', reason: 'x' }),
        ),
      ),
    };
    // Assess
    expect(matrix).toEqual({
      me: [200, 200, 200, 200],
      drafts: [200, 200, 200, 403],
      read: [200, 404, 200, 200],
      edit: [404, 403],
      approve: [404, 403],
      reassign: [403, 403],
      override: [404, 403],
    });
    expect((await stack.lead(leadId))?.draft?.status).toBe('pending');
  });

  it('lists only the rep’s own drafts; the manager sees all, hot first', async () => {
    // Prepare
    const warm = await pendingLead();
    const hot = await stack.seed({ ownerId: 'rep-eva', tier: 'hot' });
    await waitFor(async () => (await stack.lead(hot))?.draft?.status === 'pending', 60_000);
    // Act
    const bram = await stack.api('GET', '/drafts?status=pending', tokens.bram);
    const sofie = await stack.api('GET', '/drafts?status=pending', tokens.sofie);
    const me = await stack.api('GET', '/me', tokens.bram);
    // Assess
    const ids = (r: { body: Record<string, unknown> }) =>
      (r.body.items as { leadId: string }[]).map((i) => i.leadId);
    expect(ids(bram)).toContain(warm);
    expect(ids(bram)).not.toContain(hot);
    expect(ids(sofie)[0]).toBe(hot);
    expect(ids(sofie)).toContain(warm);
    expect(me.body).toMatchObject({ personId: 'rep-bram', role: 'sales', name: 'Bram Jansen' });
    const item = (bram.body.items as Record<string, unknown>[]).find((i) => i.leadId === warm);
    expect(item).toMatchObject({
      status: 'pending',
      leadStatus: 'drafted',
      ownerId: 'rep-bram',
      ownerName: 'Bram Jansen',
      tier: 'warm',
    });
  });
});

describe('approve and send', () => {
  it('three concurrent approvals send exactly one mail and audit one approval', async () => {
    // Prepare
    const email = `approve-${Date.now()}@example.test`;
    const leadId = await pendingLead(email);
    // Act
    const answers = await Promise.all([
      stack.api('POST', `/drafts/${leadId}/approve`, tokens.bram, {
        subject: 'Even kennismaken',
        body: 'Hallo Pieter,\n\nZullen we bellen?',
      }),
      stack.api('POST', `/drafts/${leadId}/approve`, tokens.sofie),
      stack.api('POST', `/drafts/${leadId}/approve`, tokens.bram),
    ]);
    const sent = await waitFor(async () => {
      const l = await stack.lead(leadId);
      return l?.status === 'sent' ? l : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    // Assess
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    const mails = await stack.mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(sent.draft?.status).toBe('sent');
    expect((sent.audit ?? []).filter((a) => a.action === 'approve')).toHaveLength(1);
  });

  it('re-approving a draft whose send message was lost sends it, still exactly once', async () => {
    // Prepare: approved in the store, but the send message never made it to the queue
    const leadId = await pendingLead('lost-message@example.test');
    await stack.db.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
        UpdateExpression: 'SET #d.#s = :approved',
        ExpressionAttributeNames: { '#d': 'draft', '#s': 'status' },
        ExpressionAttributeValues: { ':approved': 'approved' },
      }),
    );
    // Act: the rep clicks approve again (twice)
    const again = await Promise.all(
      [1, 2].map(() => stack.api('POST', `/drafts/${leadId}/approve`, tokens.bram)),
    );
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'sent', 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    // Assess
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await stack.mailsTo('lost-message@example.test')).toHaveLength(1);
  });

  it('rejects only with a reason and then refuses approval', async () => {
    // Prepare
    const leadId = await pendingLead();
    // Act
    const noReason = await stack.api('POST', `/drafts/${leadId}/reject`, tokens.bram, {});
    const rejected = await stack.api('POST', `/drafts/${leadId}/reject`, tokens.bram, { reason: 'Al klant' });
    const approve = await stack.api('POST', `/drafts/${leadId}/approve`, tokens.bram);
    // Assess
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues).toEqual([{ field: 'reason', message: 'reason is required' }]);
    expect(rejected.status).toBe(200);
    expect(approve.status).toBe(409);
    expect((await stack.lead(leadId))?.draft).toMatchObject({ status: 'rejected', rejectReason: 'Al klant' });
  });

  it('a manager reassigns; the new owner sees the lead, the old one gets 404; overrides keep the score', async () => {
    // Prepare
    const leadId = await pendingLead();
    // Act
    const reassign = await stack.api('POST', `/leads/${leadId}/reassign`, tokens.sofie, {
      ownerId: 'rep-eva',
      reason: 'Bram is away',
    });
    const evaRead = await stack.api('GET', `/leads/${leadId}`, tokens.eva);
    const bramRead = await stack.api('GET', `/leads/${leadId}`, tokens.bram);
    const override = await stack.api('POST', `/leads/${leadId}/override`, tokens.eva, {
      tier: 'hot',
      reason: 'Budget confirmed by phone',
    });
    const evaInbox = await stack.api('GET', '/drafts', tokens.eva);
    // Assess
    expect([reassign.status, evaRead.status, bramRead.status, override.status]).toEqual([200, 200, 404, 200]);
    const lead = await stack.lead(leadId);
    expect(lead?.score?.tier).toBe('warm');
    expect(lead?.override).toMatchObject({ tier: 'hot', by: 'rep-eva' });
    expect((lead?.audit ?? []).map((a) => a.action)).toEqual(['reassign', 'override']);
    const item = (evaInbox.body.items as { leadId: string; tier: string }[]).find((i) => i.leadId === leadId);
    expect(item?.tier).toBe('hot');
  });
});

describe('the inbox, paged from the drafts index', () => {
  type Item = { leadId: string; tier: string; slaDueAt?: string; status: string };
  const TIER_RANK: Record<string, number> = { hot: 0, warm: 1, cold: 2 };
  /** Every page of a listing, following `nextCursor`. */
  const allPages = async (token: string, query: string) => {
    const pages: Item[][] = [];
    let cursor: string | undefined;
    do {
      const res = await stack.api(
        'GET',
        `/drafts?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token,
      );
      expect(res.status).toBe(200);
      pages.push(res.body.items as Item[]);
      cursor = res.body.nextCursor as string | undefined;
    } while (cursor && pages.length < 100);
    return pages;
  };
  const inOrder = (items: Item[]) =>
    items.every((item, i) => {
      const prev = items[i - 1];
      if (!prev) return true;
      const a = TIER_RANK[prev.tier] ?? 3;
      const b = TIER_RANK[item.tier] ?? 3;
      return a < b || (a === b && (prev.slaDueAt ?? '9999') <= (item.slaDueAt ?? '9999'));
    });
  const seedPending = async (o: Parameters<ReviewStack['seed']>[0]) => {
    const leadId = await stack.seed(o);
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 60_000);
    return leadId;
  };

  it('pages a manager through every pending draft once, hot first then the SLA due soonest', async () => {
    // Prepare
    const seeded = [
      await seedPending({ ownerId: 'rep-eva', tier: 'cold', slaDueAt: '2030-01-01T08:00:00.000Z' }),
      await seedPending({ ownerId: 'rep-bram', tier: 'hot', slaDueAt: '2030-01-02T08:00:00.000Z' }),
      await seedPending({ ownerId: 'rep-eva', tier: 'warm', slaDueAt: '2029-12-31T08:00:00.000Z' }),
      await seedPending({ ownerId: 'rep-bram', tier: 'hot', slaDueAt: '2030-01-01T08:00:00.000Z' }),
      await seedPending({ ownerId: 'rep-bram', tier: 'warm', slaDueAt: '2030-01-03T08:00:00.000Z' }),
    ];
    // Act
    const pages = await allPages(tokens.sofie, 'status=pending&limit=2');
    // Assess
    const items = pages.flat();
    const ids = items.map((i) => i.leadId);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(seeded));
    expect(items.every((i) => i.status === 'pending')).toBe(true);
    expect(inOrder(items)).toBe(true);
    expect(ids.indexOf(seeded[3] as string)).toBeLessThan(ids.indexOf(seeded[1] as string));
  });

  it('a rep pages through their own pending drafts only', async () => {
    // Prepare
    const own = [await seedPending({ ownerId: 'rep-eva' }), await seedPending({ ownerId: 'rep-eva' })];
    const other = await seedPending({ ownerId: 'rep-bram' });
    // Act
    const pages = await allPages(tokens.eva, 'limit=1');
    // Assess
    const ids = pages.flat().map((i) => i.leadId);
    expect(pages.every((p) => p.length <= 1)).toBe(true);
    expect(ids).toEqual(expect.arrayContaining(own));
    expect(ids).not.toContain(other);
    expect(new Set(ids).size).toBe(ids.length);
    expect(inOrder(pages.flat())).toBe(true);
  });

  it('an approved draft leaves the pending list and is listed as sent once sent', async () => {
    // Prepare
    const leadId = await seedPending({ ownerId: 'rep-bram', email: `paged-${Date.now()}@example.test` });
    // Act
    const approve = await stack.api('POST', `/drafts/${leadId}/approve`, tokens.bram);
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'sent', 60_000);
    const pending = (await allPages(tokens.sofie, 'status=pending&limit=50')).flat();
    const sent = (await allPages(tokens.sofie, 'status=sent&limit=50')).flat();
    const all = (await allPages(tokens.bram, 'status=all&limit=50')).flat();
    // Assess
    expect(approve.status).toBe(202);
    expect(pending.map((i) => i.leadId)).not.toContain(leadId);
    expect(sent.find((i) => i.leadId === leadId)?.status).toBe('sent');
    expect(all.filter((i) => i.leadId === leadId)).toHaveLength(1);
  });

  it('an override to hot moves a warm draft up among the hot ones in the manager’s list', async () => {
    // Prepare
    const leadId = await seedPending({
      ownerId: 'rep-eva',
      tier: 'warm',
      slaDueAt: '2031-01-01T08:00:00.000Z',
    });
    // Act
    const override = await stack.api('POST', `/leads/${leadId}/override`, tokens.sofie, {
      tier: 'hot',
      reason: 'Signed letter of intent',
    });
    const items = (await allPages(tokens.sofie, 'status=pending&limit=200')).flat();
    // Assess
    expect(override.status).toBe(200);
    const at = items.findIndex((i) => i.leadId === leadId);
    expect(items[at]?.tier).toBe('hot');
    expect(items.slice(0, at).every((i) => i.tier === 'hot')).toBe(true);
    expect(inOrder(items)).toBe(true);
  });

  it('answers 400 naming the field for a bad limit, status or cursor', async () => {
    // Prepare
    const repCursor = Buffer.from(JSON.stringify({ o: 1 })).toString('base64url');
    const forged = Buffer.from(
      JSON.stringify({ s: 'pending', k: { pk: 'LEAD#x', sk: 'LEAD', draftPk: 'DRAFT#sent', draftSk: 'x' } }),
    ).toString('base64url');
    // Act
    const answers = await Promise.all(
      [
        'limit=0',
        'limit=201',
        'limit=abc',
        'status=open',
        'cursor=not-a-cursor',
        `cursor=${repCursor}`,
        `cursor=${forged}`,
      ].map((q) => stack.api('GET', `/drafts?${q}`, tokens.sofie)),
    );
    // Assess
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(answers.map((a) => (a.body.issues as { field: string }[])[0]?.field)).toEqual([
      'limit',
      'limit',
      'limit',
      'status',
      'cursor',
      'cursor',
      'cursor',
    ]);
  });
});

describe('leads stored before the drafts index', () => {
  it('are indexed by the backfill and then listed once', async () => {
    // Prepare: a pending draft whose index keys are missing (as written by an earlier version)
    const leadId = await stack.seed({ ownerId: 'rep-youssef' });
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 60_000);
    await stack.db.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
        UpdateExpression: 'REMOVE draftPk, draftSk',
      }),
    );
    const youssef = await stack.token('rep-youssef');
    const before = await stack.api('GET', '/drafts', youssef);
    // Act
    const store = new DynamoLeadStore(stack.db, stack.table);
    const first = await store.backfillDraftIndex();
    const second = await store.backfillDraftIndex();
    const after = await stack.api('GET', '/drafts', youssef);
    // Assess
    expect(before.body.items).toEqual([]);
    expect(first).toBe(1);
    expect(second).toBe(0);
    expect((after.body.items as { leadId: string }[]).map((i) => i.leadId)).toEqual([leadId]);
  });
});

describe('a send message that finds another attempt in flight', () => {
  it('looks again once that attempt would be dead, and sends the draft it handed back exactly once', async () => {
    // Prepare: another attempt holds the draft (sending, just started)…
    const email = `in-flight-${Date.now()}@example.test`;
    const leadId = await pendingLead(email);
    const setDraft = (status: string, send?: Record<string, string>) =>
      stack.db.send(
        new UpdateCommand({
          TableName: stack.table,
          Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
          UpdateExpression: send ? 'SET #d.#s = :s, #d.#send = :send' : 'SET #d.#s = :s REMOVE #d.#send',
          ExpressionAttributeNames: { '#d': 'draft', '#s': 'status', '#send': 'send' },
          ExpressionAttributeValues: { ':s': status, ...(send ? { ':send': send } : {}) },
        }),
      );
    await setDraft('sending', { attemptId: 'other-attempt', startedAt: new Date().toISOString() });
    const before = stack.sendStatus()?.succeeded ?? 0;
    // Act: a (duplicate) send message arrives while it runs; then that attempt is throttled and hands the
    // draft back as approved, its own message already gone
    await stack.sendMessage(leadId);
    await waitFor(() => (stack.sendStatus()?.succeeded ?? 0) > before, 60_000);
    await setDraft('approved');
    const sent = await waitFor(async () => {
      const l = await stack.lead(leadId);
      return l?.draft?.status === 'sent' ? l : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    // Assess
    expect(sent.status).toBe('sent');
    expect(await stack.mailsTo(email)).toHaveLength(1);
  });
});
