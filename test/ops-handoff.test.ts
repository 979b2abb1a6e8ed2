/**
 * The ops API for handoff points: versioned publishing with validation that names the rule and field,
 * rollback, role checks — and the draft step applying the active version and recording it on the lead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let ops: string;
let rep: string;

beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'review' });
  ops = await stack.token('ops-lars');
  rep = await stack.token('rep-bram');
});
afterAll(async () => {
  await stack?.stop();
});

type OpsState = {
  active: { version: number; author: string; note: string; config: { default: string } };
  versions: { version: number }[];
};

describe('ops API: handoff points', () => {
  it('is for ops only', async () => {
    // Act
    const asRep = await stack.api('GET', '/ops/handoff', rep);
    const anonymous = await stack.api('GET', '/ops/handoff');
    // Assess
    expect(asRep.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });

  it('refuses an invalid configuration naming the field, and keeps the active version', async () => {
    // Prepare
    const before = (await stack.api('GET', '/ops/handoff', ops)).body as unknown as OpsState;
    // Act
    const res = await stack.api('PUT', '/ops/handoff', ops, {
      config: { default: 'review', rules: [{ id: 'typo', when: { tier: ['boiling'] }, mode: 'auto' }] },
      note: 'broken',
    });
    const after = (await stack.api('GET', '/ops/handoff', ops)).body as unknown as OpsState;
    // Assess
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.issues)).toContain('config.rules[0].when.tier');
    expect(after.active.version).toBe(before.active.version);
  });

  it('publishes a version that the next draft follows and records, and rolls back to an old one', async () => {
    // Prepare: version 1 is the seed (review everything)
    const seeded = (await stack.api('GET', '/ops/handoff', ops)).body as unknown as OpsState;
    expect(seeded.active).toMatchObject({ version: 1, author: 'seed' });

    // Act: publish "auto", then a lead is drafted
    const put = await stack.api('PUT', '/ops/handoff', ops, {
      config: { version: 'ops-edit', default: 'auto', rules: [] },
      note: 'auto-send warm SMB leads',
    });
    const autoLead = await stack.seed({ ownerId: 'rep-bram', email: 'auto-lead@example.test' });
    await waitFor(async () => (await stack.lead(autoLead))?.draft?.status === 'sent', 60_000);

    // Assess
    expect(put.status).toBe(200);
    expect((put.body as unknown as OpsState).active).toMatchObject({
      version: 2,
      author: 'ops-lars',
      note: 'auto-send warm SMB leads',
    });
    expect((await stack.lead(autoLead))?.draft?.handoffVersion).toBe('handoff@v2');
    expect(await stack.mailsTo('auto-lead@example.test')).toHaveLength(1);

    // Act: roll back to version 1 (after the draft step's 5 s policy cache)
    const rolled = await stack.api('POST', '/ops/handoff/rollback', ops, { version: 1 });
    await new Promise((r) => setTimeout(r, 5_500));
    const reviewLead = await stack.seed({ ownerId: 'rep-bram', email: 'review-lead@example.test' });
    await waitFor(async () => (await stack.lead(reviewLead))?.draft !== undefined, 60_000);

    // Assess
    const state = rolled.body as unknown as OpsState;
    expect(state.active).toMatchObject({ version: 3, note: 'rollback to version 1' });
    expect(state.active.config.default).toBe('review');
    expect(state.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    const drafted = await stack.lead(reviewLead);
    expect(drafted?.draft?.status).toBe('pending');
    expect(drafted?.draft?.handoffVersion).toBe('handoff@v3');
  });
});
