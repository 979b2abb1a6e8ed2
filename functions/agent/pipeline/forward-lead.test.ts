/**
 * Forwarding a non-sales submission to its team, on the in-memory store: one internal mail with the ids and
 * the fields, to the team address and never to the prospect; once per lead; nothing for an archive.
 */
import { describe, expect, it } from 'vitest';
import { shippedDispositions } from '../../platform/shipped-dispositions';
import { classifyDisposition } from '../judge/disposition';
import type { Lead } from '../lead';
import type { LeadRecord } from '../lead-record';
import { type Mailer, MailerError, type OutgoingMail } from '../ports';
import { InMemoryLeadStore } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleScore } from '../testing/samples';
import { type ForwardDeps, forwardLead } from './forward-lead';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const LEAD = '01JLEAD0000000000000000001';
const settings = shippedDispositions();

const setup = (lead: Lead, failWith?: MailerError) => {
  const store = new InMemoryLeadStore(() => NOW);
  const record: LeadRecord = {
    leadId: LEAD,
    status: 'nurture',
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: 'dedup-1',
    submissionId: 'sub-42',
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: { ...sampleScore(), disposition: classifyDisposition(lead, settings) },
    steps: {},
  };
  store.seed(record);
  const sent: OutgoingMail[] = [];
  let ids = 0;
  const mailer: Mailer = {
    send: async (mail) => {
      if (failWith) throw failWith;
      sent.push(mail);
      return { messageId: `msg-${sent.length}` };
    },
  };
  const deps: ForwardDeps = {
    store,
    mailer,
    fromAddress: 'sales@example.com',
    now: () => NOW,
    newId: () => `attempt-${++ids}`,
  };
  return { store, deps, sent };
};

const applicant = (): Lead => ({
  ...sampleLead('nl'),
  person: { firstName: 'Noor', lastName: 'Jansen', email: 'noor@gmail.com', phone: '+31612345678' },
  company: { name: 'Noor Jansen' },
  message: 'Hierbij mijn open sollicitatie als accountmanager, mijn cv zit in de bijlage.',
});

describe('forwarding a non-sales submission', () => {
  it('sends a job application once to recruiting with the ids and fields, never to the prospect', async () => {
    // Prepare
    const { store, deps, sent } = setup(applicant());
    // Act
    const first = await forwardLead(LEAD, deps);
    const again = await forwardLead(LEAD, deps);
    // Assess
    expect(first).toEqual({ outcome: 'sent', to: 'recruiting@example.com', messageId: 'msg-1' });
    expect(again).toEqual({ outcome: 'skipped', reason: 'already_forwarded' });
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to).toBe('recruiting@example.com');
    expect(mail.replyTo).toBe('recruiting@example.com');
    expect(mail.subject).toMatch(/^Doorgestuurd van het contactformulier/);
    expect(mail.text).toContain(`Lead-id: ${LEAD}`);
    expect(mail.text).toContain('Inzending-id: sub-42');
    expect(mail.text).toContain('E-mail: noor@gmail.com');
    expect(mail.text).toContain('Telefoon: +31612345678');
    expect(mail.text).toContain('open sollicitatie als accountmanager');
    expect((await store.get(LEAD))?.forward).toEqual({
      to: 'recruiting@example.com',
      attemptId: 'attempt-1',
      status: 'sent',
      startedAt: NOW.toISOString(),
      messageId: 'msg-1',
      sentAt: NOW.toISOString(),
    });
  });

  it('writes the notification in English for an English submission', async () => {
    // Prepare
    const { deps, sent } = setup({
      ...sampleLead('en'),
      message: 'Our account login does not work since this morning, can support help?',
    });
    // Act
    const result = await forwardLead(LEAD, deps);
    // Assess
    expect(result).toMatchObject({ outcome: 'sent', to: 'support@example.com' });
    expect(sent[0]?.subject).toMatch(/^Forwarded from the contact form: Support request/);
    expect(sent[0]?.text).toContain(`Lead id: ${LEAD}`);
  });

  it('sends nothing for an archived disposition or a sales lead, and keeps the reason', async () => {
    // Prepare
    const vendor = setup({
      ...sampleLead('en'),
      message: 'We help companies grow your pipeline with our SDR service.',
    });
    const sales = setup(sampleLead('nl'));
    // Act
    const archived = await forwardLead(LEAD, vendor.deps);
    const buyer = await forwardLead(LEAD, sales.deps);
    // Assess
    expect(archived).toEqual({ outcome: 'skipped', reason: 'not_forwarded' });
    expect(buyer).toEqual({ outcome: 'skipped', reason: 'not_forwarded' });
    expect(vendor.sent).toHaveLength(0);
    expect((await vendor.store.get(LEAD))?.score?.disposition).toMatchObject({
      kind: 'vendor_pitch',
      destination: { action: 'archive', reason: 'Vendor or agency pitching its services' },
    });
  });

  it('frees the mark when throttled (retried later) and records a refusal without sending again', async () => {
    // Prepare
    const throttled = setup(applicant(), new MailerError('slow down', 'retryable'));
    const refused = setup(applicant(), new MailerError('bad address', 'rejected'));
    // Act
    const retry = await forwardLead(LEAD, throttled.deps).catch((e: unknown) => e);
    const failed = await forwardLead(LEAD, refused.deps);
    const afterFailure = await forwardLead(LEAD, refused.deps);
    // Assess
    expect(retry).toBeInstanceOf(MailerError);
    expect((await throttled.store.get(LEAD))?.forward).toBeUndefined();
    expect(failed).toEqual({ outcome: 'failed', to: 'recruiting@example.com', error: 'bad address' });
    expect(afterFailure).toEqual({ outcome: 'skipped', reason: 'already_forwarded' });
    expect((await refused.store.get(LEAD))?.forward?.status).toBe('failed');
  });
});
