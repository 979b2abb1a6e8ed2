/**
 * POST /leads/{id}/outcome and /reopen on the emulators: who may record, 400s naming the field, the lead's
 * lifecycle, and the owner's open load released exactly once per closing (taken again on reopen) while
 * duplicate requests race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let tokens: Record<'bram' | 'eva' | 'sofie' | 'lars', string>;

/** A drafted lead of `ownerId` whose assignment took one unit of their load. */
const draftedLead = async (ownerId: string, takesLoad = true) => {
  const leadId = await stack.seed({ ownerId, takesLoad });
  await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
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

describe('outcomes', () => {
  it('lets the owner and a manager record; another rep and ops get 403; bad input a 400 naming the field', async () => {
    // Prepare
    const leadId = await draftedLead('rep-eva', false);
    const post = async (who: keyof typeof tokens, body: unknown) =>
      stack.api('POST', `/leads/${leadId}/outcome`, tokens[who], body);
    // Act
    const bram = await post('bram', { outcome: 'contacted' });
    const lars = await post('lars', { outcome: 'contacted' });
    const unknownOutcome = await post('eva', { outcome: 'ghosted' });
    const negative = await post('sofie', { outcome: 'won', value: -5 });
    const badAt = await post('eva', { outcome: 'contacted', at: 'tomorrow' });
    const notJson = await fetch(`${stack.url}/leads/${leadId}/outcome`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.eva}`, 'content-type': 'application/json' },
      body: '{"outcome":',
    });
    const unknownLead = await stack.api('POST', '/leads/01JZZZZZZZZZZZZZZZZZZZZZZZ/outcome', tokens.sofie, {
      outcome: 'won',
    });
    const owner = await post('eva', { outcome: 'contacted' });
    // Assess
    expect([bram.status, lars.status, unknownLead.status]).toEqual([403, 403, 404]);
    const field = (r: { body: Record<string, unknown> }) =>
      (r.body.issues as { field: string }[] | undefined)?.[0]?.field;
    expect([unknownOutcome.status, field(unknownOutcome)]).toEqual([400, 'outcome']);
    expect([negative.status, field(negative)]).toEqual([400, 'value']);
    expect([badAt.status, field(badAt)]).toEqual([400, 'at']);
    expect(notJson.status).toBe(400);
    expect(owner).toMatchObject({ status: 200, body: { status: 'sent', recorded: true } });
  });

  it('closes a lead once under duplicate requests: one outcome, one audit entry, the load released once', async () => {
    // Prepare
    const leadId = await draftedLead('rep-bram');
    const before = await stack.load('rep-bram');
    await stack.api('POST', `/leads/${leadId}/outcome`, tokens.bram, { outcome: 'meeting_booked' });
    // Act
    const answers = await Promise.all(
      (['bram', 'sofie', 'bram', 'sofie', 'bram'] as const).map((who) =>
        stack.api('POST', `/leads/${leadId}/outcome`, tokens[who], { outcome: 'won', value: 48_000 }),
      ),
    );
    const read = await stack.api('GET', `/leads/${leadId}`, tokens.bram);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.recorded === true)).toHaveLength(1);
    expect(answers.every((a) => a.body.status === 'won')).toBe(true);
    expect(await stack.load('rep-bram')).toBe(before - 1);
    expect(read.body).toMatchObject({
      status: 'won',
      outcome: { outcome: 'won', value: 48_000, from: 'meeting' },
    });
    expect((read.body.outcomes as { outcome: string }[]).map((o) => o.outcome)).toEqual([
      'meeting_booked',
      'won',
    ]);
    const audit = read.body.audit as { action: string; by: string; detail?: { outcome?: string } }[];
    expect(audit.filter((a) => a.action === 'outcome').map((a) => a.detail?.outcome)).toEqual([
      'meeting_booked',
      'won',
    ]);
  });

  it('reopening takes the load again once; closing again releases it again', async () => {
    // Prepare
    const leadId = await draftedLead('rep-bram');
    await stack.api('POST', `/leads/${leadId}/outcome`, tokens.bram, { outcome: 'lost', reason: 'budget' });
    const closed = await stack.load('rep-bram');
    // Act
    const reopens = await Promise.all(
      [tokens.sofie, tokens.bram, tokens.sofie].map((t) =>
        stack.api('POST', `/leads/${leadId}/reopen`, t, { reason: 'new budget' }),
      ),
    );
    const reopened = await stack.load('rep-bram');
    const disqualified = await stack.api('POST', `/leads/${leadId}/outcome`, tokens.sofie, {
      outcome: 'disqualified',
      reason: 'no fit',
    });
    // Assess
    expect(reopens.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(reopens.filter((r) => r.body.reopened === true)).toHaveLength(1);
    expect(reopened).toBe(closed + 1);
    expect(disqualified.body).toMatchObject({ status: 'disqualified', recorded: true });
    expect(await stack.load('rep-bram')).toBe(closed);
    const lead = await stack.lead(leadId);
    expect(lead?.outcome).toMatchObject({ outcome: 'disqualified', reason: 'no fit', by: 'mgr-sofie' });
  });

  it('refuses an outcome the lead’s state does not allow with 409, and a rep reopening another’s lead with 403', async () => {
    // Prepare
    const leadId = await draftedLead('rep-eva', false);
    // Act
    const wonTooEarly = await stack.api('POST', `/leads/${leadId}/outcome`, tokens.eva, { outcome: 'won' });
    await stack.api('POST', `/leads/${leadId}/outcome`, tokens.eva, { outcome: 'lost' });
    const bramReopen = await stack.api('POST', `/leads/${leadId}/reopen`, tokens.bram, {});
    // Assess
    expect(wonTooEarly.status).toBe(409);
    expect(bramReopen.status).toBe(403);
    expect((await stack.lead(leadId))?.status).toBe('lost');
  });
});

describe('the store keeps loads exact', () => {
  it('a lead that holds no load (a fallback owner) closes and reopens without touching any load', async () => {
    // Prepare
    const leadId = await draftedLead('rep-eva', false);
    const before = await stack.load('rep-eva');
    // Act
    await stack.api('POST', `/leads/${leadId}/outcome`, tokens.eva, { outcome: 'lost' });
    await stack.api('POST', `/leads/${leadId}/reopen`, tokens.eva, {});
    // Assess
    expect(await stack.load('rep-eva')).toBe(before);
    expect((await stack.lead(leadId))?.status).toBe('routed');
  });
});

describe('assignment and override that act', () => {
  it('a manager assigns a nurtured lead: it gets the rep, their load and a first draft for review', async () => {
    // Prepare
    const leadId = await stack.seed({ nurture: true });
    const before = await stack.load('rep-eva');
    // Act
    const rep = await stack.api('POST', `/leads/${leadId}/assign`, tokens.bram, {
      ownerId: 'rep-eva',
      reason: 'x',
    });
    const assigned = await stack.api('POST', `/leads/${leadId}/assign`, tokens.sofie, {
      ownerId: 'rep-eva',
      reason: 'missed lead',
    });
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 60_000);
    // Assess
    expect(rep.status).toBe(403);
    expect(assigned).toMatchObject({ status: 200, body: { ownerId: 'rep-eva', status: 'routed' } });
    const lead = await stack.lead(leadId);
    expect(lead).toMatchObject({
      status: 'drafted',
      route: { kind: 'owner', ownerId: 'rep-eva', ruleId: 'manual' },
    });
    expect(lead?.outboxPk).toBeUndefined();
    expect(await stack.load('rep-eva')).toBe(before + 1);
    const inbox = await stack.api('GET', '/drafts?status=pending', tokens.eva);
    expect((inbox.body.items as { leadId: string }[]).map((i) => i.leadId)).toContain(leadId);
  });

  it('overriding a nurtured lead to hot sends it back to routing (qualify queue, outbox as a safety net)', async () => {
    // Prepare
    const leadId = await stack.seed({ nurture: true });
    // Act
    const answer = await stack.api('POST', `/leads/${leadId}/override`, tokens.sofie, {
      tier: 'hot',
      reason: 'the CEO called',
    });
    // Assess
    expect(answer).toMatchObject({ status: 200, body: { rerouted: true } });
    const lead = await stack.lead(leadId);
    expect(lead).toMatchObject({ status: 'received', override: { tier: 'hot' }, outboxPk: 'OUTBOX' });
    expect(lead?.route).toBeUndefined();
  });
});
