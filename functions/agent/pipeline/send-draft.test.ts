import { describe, expect, it } from 'vitest';
import { InMemoryAutoSendGate } from '../handoff/send-limits';
import type { LeadRecord } from '../lead-record';
import { MailerError, type SendStore } from '../ports';
import type { Draft } from '../qualification';
import { RecordingCrmNotifier, RecordingQueue } from '../testing/memory-ports';
import { DELIVERY_UNKNOWN, emailHash, sendDraft } from './send-draft';

/** An in-memory SendStore with the same conditional transitions as the DynamoDB adapter. */
const memoryStore = (draft: Partial<Draft>) => {
  const record = {
    leadId: 'L1',
    status: 'drafted',
    lead: { person: { email: 'pieter@example.test' } },
    route: { kind: 'owner', ownerId: 'rep-bram' },
    draft: { subject: 'Hallo', body: 'Tekst', status: 'approved', ...draft },
  } as unknown as LeadRecord & { draft: Draft; status: string };
  const store: SendStore = {
    get: async () => structuredClone(record),
    beginSend: async (_id, attempt) => {
      if (record.draft.status !== 'approved') return 'conflict';
      Object.assign(record.draft, { status: 'sending', send: attempt });
      return 'started';
    },
    completeSend: async (_id, attemptId, result) => {
      if (record.draft.status !== 'sending' || record.draft.send?.attemptId !== attemptId) return false;
      Object.assign(record.draft, { status: 'sent', send: { ...record.draft.send, ...result } });
      record.status = 'sent';
      return true;
    },
    failSend: async (_id, from, failure) => {
      if (record.draft.status !== from.status) return false;
      Object.assign(record.draft, { status: 'failed', send: { ...(record.draft.send ?? {}), ...failure } });
      return true;
    },
    releaseSend: async () => {
      record.draft.status = 'approved';
      return true;
    },
    holdForReview: async (_id, reason) => {
      if (record.draft.status !== 'approved') return false;
      Object.assign(record.draft, { status: 'pending', handoff: 'review', handoffReason: reason });
      return true;
    },
    isSuppressed: async () => false,
  };
  return { record, store };
};

const deps = (
  store: SendStore,
  send: () => Promise<{ messageId: string }>,
  mails: unknown[] = [],
  sendQueue = new RecordingQueue(),
) => ({
  store,
  sendQueue,
  mailer: {
    send: async (m: unknown) => {
      mails.push(m);
      return send();
    },
  },
  fromAddress: 'sales@example.com',
  rep: () => ({ name: 'Bram Jansen', email: 'bram@example.com' }),
  now: () => new Date('2026-03-02T10:00:00.000Z'),
  stuckAfterSeconds: 120,
});

describe('sendDraft', () => {
  it('holds a draft scheduled for the next business opening until it is due', async () => {
    // Prepare: now is 2026-03-02T10:00Z; one draft is due later, one was due earlier
    const mails: unknown[] = [];
    const later = memoryStore({ sendAfter: '2026-03-02T12:00:00.000Z' });
    const due = memoryStore({ sendAfter: '2026-03-02T08:00:00.000Z' });
    const queue = new RecordingQueue();

    // Act
    const held = await sendDraft(
      'L1',
      deps(later.store, async () => ({ messageId: 'm-1' }), mails, queue),
    );
    const sent = await sendDraft(
      'L1',
      deps(due.store, async () => ({ messageId: 'm-2' }), mails),
    );

    // Assess
    expect(held).toEqual({ outcome: 'scheduled', sendAfter: '2026-03-02T12:00:00.000Z' });
    expect(later.record.draft.status).toBe('approved');
    // SQS holds a message back 15 minutes at most: it comes back then, and again until due.
    expect(queue.delivered).toEqual([{ message: { leadId: 'L1' }, delaySeconds: 900 }]);
    expect(sent).toEqual({ outcome: 'sent', messageId: 'm-2' });
    expect(mails).toHaveLength(1);
  });

  it('sends an approved draft once; a second delivery is a no-op', async () => {
    // Prepare
    const { record, store } = memoryStore({});
    const mails: unknown[] = [];
    const d = deps(store, async () => ({ messageId: 'ses-1' }), mails);
    // Act
    const first = await sendDraft('L1', d);
    const second = await sendDraft('L1', d);
    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(second).toEqual({ outcome: 'skipped', reason: 'already_sent' });
    expect(mails).toEqual([
      {
        fromAddress: 'sales@example.com',
        fromName: 'Bram Jansen',
        replyTo: 'bram@example.com',
        to: 'pieter@example.test',
        subject: 'Hallo',
        text: 'Tekst',
      },
    ]);
    expect(record.status).toBe('sent');
  });

  it('marks a sending draft older than the timeout failed (delivery unknown) without mailing; a young one is left alone', async () => {
    // Prepare
    const old = memoryStore({
      status: 'sending',
      send: { attemptId: 'a', startedAt: '2026-03-02T09:55:00.000Z' },
    });
    const young = memoryStore({
      status: 'sending',
      send: { attemptId: 'a', startedAt: '2026-03-02T09:59:30.000Z' },
    });
    const mails: unknown[] = [];
    const queue = new RecordingQueue();
    // Act
    const a = await sendDraft(
      'L1',
      deps(old.store, async () => ({ messageId: 'x' }), mails, queue),
    );
    const b = await sendDraft(
      'L1',
      deps(young.store, async () => ({ messageId: 'x' }), mails, queue),
    );
    // Assess
    expect(a).toEqual({ outcome: 'failed', reason: 'delivery_unknown' });
    expect(old.record.draft.send?.error).toBe(DELIVERY_UNKNOWN);
    expect(b).toEqual({ outcome: 'skipped', reason: 'in_flight', recheckAt: '2026-03-02T10:01:30.000Z' });
    expect(mails).toHaveLength(0);
    // The young attempt is looked at again once it would count as dead (90 s from now).
    expect(queue.delivered).toEqual([{ message: { leadId: 'L1' }, delaySeconds: 90 }]);
  });

  it('puts a throttled draft back to approved and throws for a retry; a timeout is delivery unknown', async () => {
    // Prepare
    const throttled = memoryStore({});
    const timedOut = memoryStore({});
    // Act
    const retry = sendDraft(
      'L1',
      deps(throttled.store, async () => Promise.reject(new MailerError('TooManyRequests', 'retryable'))),
    );
    const unknown = await sendDraft(
      'L1',
      deps(timedOut.store, async () => Promise.reject(new Error('socket hang up'))),
    );
    // Assess
    await expect(retry).rejects.toThrow('TooManyRequests');
    expect(throttled.record.draft.status).toBe('approved');
    expect(unknown).toEqual({ outcome: 'failed', reason: 'delivery_unknown' });
    expect(timedOut.record.draft).toMatchObject({ status: 'failed', send: { error: DELIVERY_UNKNOWN } });
  });

  it('attack: three posts with one victim address mail the victim once; the others wait for a person', async () => {
    // Prepare: three leads, each an automatic send to the same (corroborated) address
    const gate = new InMemoryAutoSendGate({ recipientDays: 30, domainPerDay: 10 });
    const mails: unknown[] = [];
    const outcomes = [];
    const drafts = [];
    // Act
    for (const id of ['L1', 'L2', 'L3']) {
      const { record, store } = memoryStore({ handoff: 'auto' });
      const d = { ...deps(store, async () => ({ messageId: `m-${id}` }), mails), autoSendGate: gate };
      outcomes.push(await sendDraft(id, d));
      drafts.push(record.draft);
    }
    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'held_for_review', 'held_for_review']);
    expect(mails).toHaveLength(1);
    expect(drafts.map((d) => d.status)).toEqual(['sent', 'pending', 'pending']);
    expect(drafts[1]?.handoffReason).toContain('already got an automatic email in the last 30 days');
  });

  it('limits automatic sends per recipient domain per day', async () => {
    // Prepare
    const gate = new InMemoryAutoSendGate({ recipientDays: 30, domainPerDay: 2 });
    const outcomes = [];
    const drafts = [];
    // Act
    for (const [i, id] of ['L1', 'L2', 'L3'].entries()) {
      const { record, store } = memoryStore({ handoff: 'auto' });
      (record.lead.person as { email: string }).email = `person${i}@victim.example`;
      outcomes.push(
        (await sendDraft(id, { ...deps(store, async () => ({ messageId: id })), autoSendGate: gate }))
          .outcome,
      );
      drafts.push(record.draft);
    }
    // Assess
    expect(outcomes).toEqual(['sent', 'sent', 'held_for_review']);
    expect(drafts[2]?.handoffReason).toContain('2 automatic emails to this domain today');
  });

  it('lets a redelivered message of the same lead through, and never limits a draft a person approved', async () => {
    // Prepare
    const gate = new InMemoryAutoSendGate({ recipientDays: 30, domainPerDay: 1 });
    const first = memoryStore({ handoff: 'auto' });
    await gate.claim({
      leadId: 'L1',
      addressHash: emailHash('pieter@example.test'),
      domain: 'example.test',
      at: new Date('2026-03-02T09:00:00Z'),
    });
    const reviewed = memoryStore({ handoff: 'review', reviewedBy: 'rep-bram' });
    // Act
    const again = await sendDraft('L1', {
      ...deps(first.store, async () => ({ messageId: 'm1' })),
      autoSendGate: gate,
    });
    const approved = await sendDraft('L9', {
      ...deps(reviewed.store, async () => ({ messageId: 'm9' })),
      autoSendGate: gate,
    });
    // Assess
    expect(again.outcome).toBe('sent');
    expect(approved.outcome).toBe('sent');
  });

  it('tells the CRM sync when the email is sent and on a redelivery after it, never for an unsent draft', async () => {
    // Prepare
    const crm = new RecordingCrmNotifier();
    const sent = memoryStore({});
    const pending = memoryStore({ status: 'pending' });
    const mails: unknown[] = [];

    // Act
    await sendDraft('L1', { ...deps(sent.store, async () => ({ messageId: 'ses-1' }), mails), crm });
    await sendDraft('L1', { ...deps(sent.store, async () => ({ messageId: 'ses-2' }), mails), crm });
    await sendDraft('L1', { ...deps(pending.store, async () => ({ messageId: 'ses-3' }), mails), crm });

    // Assess
    expect(mails).toHaveLength(1);
    expect(crm.notices).toEqual([
      { leadId: 'L1', trigger: 'email_sent' },
      { leadId: 'L1', trigger: 'email_sent' },
    ]);
  });

  it('sends the email even when the CRM trigger throws', async () => {
    // Prepare
    const { record, store } = memoryStore({});

    // Act
    const result = await sendDraft('L1', {
      ...deps(store, async () => ({ messageId: 'ses-1' })),
      crm: new RecordingCrmNotifier(true),
    });

    // Assess
    expect(result).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(record.draft.status).toBe('sent');
  });
});
