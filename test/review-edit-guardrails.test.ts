/**
 * A rep's own edits get the draft guardrails too (through the review API on the emulators): hidden and bidi
 * characters and HTML are removed and the answer says so; a subject with a line break and a link or address
 * that is not on the allow-list are refused with a 400 naming the field; what is stored and sent is clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/local-aws';
import { type ReviewStack, startReviewStack } from './support/review-stack';

let stack: ReviewStack;
let bram: string;

beforeAll(async () => {
  stack = await startReviewStack({ handoff: 'review' });
  bram = await stack.token('rep-bram');
});
afterAll(async () => {
  await stack?.stop();
});

const pendingLead = async (email?: string) => {
  const leadId = await stack.seed({ ownerId: 'rep-bram', ...(email ? { email } : {}) });
  await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'pending', 20_000);
  return leadId;
};

describe('a rep’s edits pass the draft guardrails', () => {
  it('attack: bidi, zero-width and HTML are removed, and the answer says what was removed', async () => {
    // Prepare
    const leadId = await pendingLead();
    // Act
    const res = await stack.api('PUT', `/drafts/${leadId}`, bram, {
      subject: 'Uw de\u200Bmo',
      body: 'Beste Pieter,\n\n<b>Tot</b> snel: \u202Elive\u202C.\n\nBram',
    });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body.message).toMatch(/^Removed from your edit: .*hidden unicode.*HTML removed/);
    const draft = (await stack.lead(leadId))?.draft;
    expect(draft?.subject).toBe('Uw demo');
    expect(draft?.body).toBe('Beste Pieter,\n\nTot snel: live.\n\nBram');
  });

  it.each([
    [
      'U+2028 in the subject',
      { subject: 'Uw demo\u2028Bcc: iedereen@victim.example', body: 'Hallo' },
      'subject',
    ],
    [
      'CR LF in the subject',
      { subject: 'Uw demo\r\nBcc: iedereen@victim.example', body: 'Hallo' },
      'subject',
    ],
    ['a foreign link', { subject: 'Uw demo', body: 'Log in op https://evil.example/login' }, 'body'],
    ['an obfuscated foreign link', { subject: 'Uw demo', body: 'Log in op evil-portal[.]com' }, 'body'],
    ['a foreign address', { subject: 'Uw demo', body: 'Mail facturen@evil.example' }, 'body'],
  ])('attack: refuses %s with a 400 naming the field, and keeps the draft', async (_what, edit, field) => {
    // Prepare
    const leadId = await pendingLead();
    const before = (await stack.lead(leadId))?.draft;
    // Act
    const put = await stack.api('PUT', `/drafts/${leadId}`, bram, edit);
    const approve = await stack.api('POST', `/drafts/${leadId}/approve`, bram, edit);
    // Assess
    for (const res of [put, approve]) {
      expect(res.status).toBe(400);
      expect((res.body.issues as { field: string }[])[0]?.field).toBe(field);
    }
    expect((await stack.lead(leadId))?.draft).toMatchObject({
      status: 'pending',
      subject: before?.subject,
      body: before?.body,
    });
  });

  it('approving with an edit sends the cleaned text', async () => {
    // Prepare
    const email = `edit-${Date.now()}@example.test`;
    const leadId = await pendingLead(email);
    // Act
    const res = await stack.api('POST', `/drafts/${leadId}/approve`, bram, {
      subject: 'Uw demo',
      body: 'Beste Pieter,\n\nTot dinsdag\u200B!\n\nBram Jansen',
    });
    await waitFor(async () => (await stack.lead(leadId))?.draft?.status === 'sent', 20_000);
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.removed).toEqual(['body: 1 hidden unicode character(s) removed']);
    const [mail] = await stack.mailsTo(email);
    expect(JSON.stringify(mail)).not.toContain('\\u200b');
  });
});
