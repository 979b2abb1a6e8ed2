/**
 * Automatic sending cannot be used as a mail relay: on the emulators, with every lead `auto`, one victim
 * address posted three times gets one email, an address nobody corroborated gets none, and a domain gets at
 * most its daily number; the limits hold under concurrent sends (DynamoDB transactions on the leads table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAutoSendGate } from '../functions/platform/send-limits-dynamodb';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
const run = Date.now().toString(36);
const DOMAIN_PER_DAY = 3;

beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'auto', autoSendDomainPerDay: DOMAIN_PER_DAY });
});
afterAll(async () => {
  await stack?.stop();
});

/** The draft once the send step is done with it: sent, or back to pending for a person. */
const settled = (leadId: string) =>
  waitFor(async () => {
    const l = await stack.lead(leadId);
    return l?.draft && ['sent', 'pending', 'failed'].includes(l.draft.status) ? l : undefined;
  }, 30_000);

describe('automatic sending is no relay', () => {
  it('attack: three posts with one victim address → one email, the other two wait for a person', async () => {
    // Prepare
    const victim = `victim-${run}@victim-${run}.example`;
    // Act
    const ids = await Promise.all([1, 2, 3].map(() => stack.seed({ email: victim })));
    const leads = await Promise.all(ids.map(settled));
    // Assess
    expect(await stack.mailsTo(victim)).toHaveLength(1);
    expect(leads.map((l) => l.draft?.status).sort()).toEqual(['pending', 'pending', 'sent']);
    for (const l of leads.filter((x) => x.draft?.status === 'pending')) {
      expect(l.draft?.handoff).toBe('review');
      expect(l.draft?.handoffReason).toContain('already got an automatic email');
      expect(l.draftPk).toBe('DRAFT#pending');
    }
  });

  it('attack: an address the enrichment did not corroborate is never mailed automatically', async () => {
    // Prepare: the address's domain is not the fetched company website's
    const victim = `someone-${run}@elsewhere-${run}.example`;
    // Act
    const lead = await settled(await stack.seed({ email: victim, corroborated: false }));
    // Assess
    expect(lead.draft).toMatchObject({ status: 'pending', handoff: 'review' });
    expect(lead.draft?.handoffReason).toContain('recipient not corroborated');
    expect(await stack.mailsTo(victim)).toHaveLength(0);
  });

  it(`mails one domain at most ${DOMAIN_PER_DAY} times a day automatically`, async () => {
    // Prepare
    const domain = `busy-${run}.example`;
    const addresses = [1, 2, 3, 4, 5].map((i) => `p${i}@${domain}`);
    // Act
    const leads = await Promise.all(addresses.map(async (email) => settled(await stack.seed({ email }))));
    const mails = (await Promise.all(addresses.map((a) => stack.mailsTo(a)))).flat();
    // Assess: a slot is taken before the mail goes out, so a send that then fails still counts against it
    const held = leads.filter((l) =>
      l.draft?.handoffReason?.includes(`${DOMAIN_PER_DAY} automatic emails to this domain today`),
    );
    expect(mails.length).toBeLessThanOrEqual(DOMAIN_PER_DAY);
    expect(held).toHaveLength(addresses.length - DOMAIN_PER_DAY);
    for (const l of held) expect(l.draft).toMatchObject({ status: 'pending', handoff: 'review' });
  });

  it('holds both limits under concurrent claims, and a lead re-claiming its own slot passes', async () => {
    // Prepare
    const gate = new DynamoAutoSendGate(stack.db, stack.table, { recipientDays: 30, domainPerDay: 2 });
    const at = new Date();
    const domain = `race-${run}.example`;
    // Act
    const byDomain = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gate.claim({ leadId: `D${i}`, addressHash: `${run}-d${i}`, domain, at }),
      ),
    );
    const byAddress = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.claim({ leadId: `A${i}`, addressHash: `${run}-same`, domain: `${i}-${domain}`, at }),
      ),
    );
    const winner = byAddress.findIndex((r) => r.ok);
    const again = await gate.claim({
      leadId: `A${winner}`,
      addressHash: `${run}-same`,
      domain: `${winner}-${domain}`,
      at,
    });
    // Assess
    expect(byDomain.filter((r) => r.ok)).toHaveLength(2);
    expect(byAddress.filter((r) => r.ok)).toHaveLength(1);
    expect(byAddress.filter((r) => !r.ok && r.limit === 'recipient')).toHaveLength(5);
    expect(again).toEqual({ ok: true });
  });
});
