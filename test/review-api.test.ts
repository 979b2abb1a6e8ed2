/** The review API: authorization matrix, approve → exactly one mail under concurrency, reject, reassign, override. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let tokens: Record<'bram' | 'eva' | 'sofie' | 'lars', string>;
const pendingLead = async (email?: string) => {
  const leadId = await stack.seed({ ownerId: 'rep-bram', ...(email ? { email } : {}) });
  await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 20_000);
  return leadId;
};

beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'review' });
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
    await waitFor(async () => (await stack.lead(hot))?.draft?.status === 'pending', 20_000);
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
    }, 20_000);
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
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'sent', 20_000);
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
