/**
 * Thresholds that act, on the emulators with the real handlers: events raise an owned lead's score, the rescore
 * function alerts its owner once (the email is in the SES emulator's mailbox), the leads list marks the lead, and
 * the owner opening it clears the mark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;

const BRAM = 'bram.jansen@example.com';

const post = async (body: unknown) => {
  const res = await fetch(`${stack.url}/events?source=site`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
};

const events = (leadId: string) =>
  (['pricing_page', 'download', 'webinar', 'email_reply', 'email_click'] as const).map((type, i) => ({
    id: `alert-${leadId}-${i}`,
    type,
    occurredAt: new Date(Date.now() - i * 60_000).toISOString(),
    leadId,
  }));

const alertMails = async (leadId: string) =>
  (await stack.mailsTo(BRAM)).filter((m) => (m.body.text ?? '').includes(leadId));

beforeAll(async () => {
  process.env.LEAD_PAGE_BASE_URL = 'https://leads.example.com/#lead/';
  stack = await startReviewStack({ handoff: 'review' });
});
afterAll(async () => {
  delete process.env.LEAD_PAGE_BASE_URL;
  await stack?.stop();
});

describe('owner alerts on the local stack', () => {
  it('emails the owner once when events raise the lead, marks it in the list until the owner opens it', async () => {
    // Prepare
    const leadId = await stack.seed({ tier: 'warm', ownerId: 'rep-bram' });
    await waitFor(async () => (await stack.lead(leadId))?.status === 'drafted', 60_000);
    const bram = await stack.token('rep-bram');
    const sofie = await stack.token('mgr-sofie');

    // Act
    expect(await post({ events: events(leadId) })).toBe(200);
    await waitFor(async () => (await alertMails(leadId)).length > 0, 120_000);
    // The same events again: the same cause, no second version, no second email.
    expect(await post({ events: events(leadId) })).toBe(200);
    const listed = await stack.api('GET', '/leads?limit=200', bram);
    const seenByManager = await stack.api('GET', `/leads/${leadId}`, sofie);
    const listedAfterManager = await stack.api('GET', '/leads?limit=200', bram);
    const opened = await stack.api('GET', `/leads/${leadId}`, bram);
    const listedAfterOpen = await stack.api('GET', '/leads?limit=200', bram);
    await new Promise((r) => setTimeout(r, 8_000));
    const mails = await alertMails(leadId);

    // Assess
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toContain('Lead gestegen');
    expect(mail.subject).toContain('warm → hot');
    expect(mail.body.text).toContain(`Lead-id: ${leadId}`);
    expect(mail.body.text).toContain(`https://leads.example.com/#lead/${leadId}`);
    expect(mail.body.text).toMatch(/Wat veranderde in de score:\n- /);
    type Row = { leadId: string; alert?: { toTier: string; fromTier: string } };
    const row = (page: { body: Record<string, unknown> }) =>
      (page.body.items as Row[]).find((i) => i.leadId === leadId);
    expect(row(listed)?.alert).toMatchObject({ fromTier: 'warm', toTier: 'hot' });
    expect(seenByManager.body.alert).toMatchObject({ email: 'sent', ownerId: 'rep-bram' });
    expect(row(listedAfterManager)?.alert).toBeDefined();
    expect((opened.body.alert as { seenAt?: string }).seenAt).toBeDefined();
    expect(row(listedAfterOpen)?.alert).toBeUndefined();
  }, 240_000);
});
