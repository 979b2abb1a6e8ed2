/**
 * Sending one approved draft, exactly once. The draft moves through a conditional state machine on the lead:
 *
 *   approved ──beginSend(attempt id + time, written BEFORE calling SES)──▶ sending
 *   sending ──SES accepted──▶ sent (SES MessageId stored; lead status → sent)
 *   sending ──SES rejected──▶ failed (reason)        sending ──SES throttled──▶ approved (retried via SQS)
 *
 * Why this is exactly-once: only one delivery can win approved → sending. A redelivered message finds
 * `sent` (no-op) or `sending`. A `sending` draft younger than `stuckAfterSeconds` belongs to an attempt that
 * may still be running: nothing is sent, and the caller looks again once that attempt would count as dead
 * (`recheckAt`) — the attempt may yet hand the draft back as approved after its own message is gone. An
 * older one means the worker died between writing `sending` and recording the result — the mail may or may
 * not have gone out. We cannot ask SES, so instead of risking a duplicate the draft is marked failed
 * "delivery unknown — check before resending"; a person decides (the SES
 * emulator's store or the SES console / sent folder tells them). Keep `stuckAfterSeconds` below the send
 * queue's visibility timeout so the dead attempt's own redelivery resolves it.
 *
 * A suppressed recipient (`SUPPRESS#<sha256(email)>`: bounced, complained, unsubscribed) is never mailed.
 * A draft no person approved (handoff `auto`) must also fit the automatic send limits per recipient and per
 * domain (functions/agent/handoff/send-limits.ts); over a limit it waits for review instead.
 * Pure: ports only, no AWS (the attempt id comes from `ulid`, the address hash from node:crypto).
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { notifyCrm } from '../crm/notify';
import type { AutoSendGate } from '../handoff/send-limits';
import { type CrmNotifier, type LeadQueue, type Mailer, MailerError, type SendStore } from '../ports';
import { saltedEmailHash } from '../privacy/links';
import { type PrivacyLinkSettings, privacyNotice } from '../privacy/notice';
import { delayUntil } from './lead-message';

export interface SendDeps {
  readonly store: SendStore;
  readonly mailer: Mailer;
  /** The verified SES sender (SES_FROM_ADDRESS); the rep's name is its display name, the rep is Reply-To. */
  readonly fromAddress: string;
  /** The owner as a sender, from team.yaml. */
  readonly rep: (ownerId: string | undefined) => { name: string; email: string } | undefined;
  readonly now: () => Date;
  readonly stuckAfterSeconds: number;
  /** The send queue itself: a draft not due yet, or held by another attempt, comes back through it. */
  readonly sendQueue: LeadQueue;
  readonly newAttemptId?: () => string;
  /** Limits for drafts no person approved (handoff `auto`); without it such drafts are not limited. */
  readonly autoSendGate?: AutoSendGate;
  /** The CRM sync's trigger (absent: no CRM); told once the email is sent, to log it on the contact. */
  readonly crm?: CrmNotifier;
  /**
   * The privacy notice and one-click unsubscribe headers every mail carries, and the salted suppression
   * hashes objections and erasures leave (functions/agent/privacy).
   */
  readonly privacy?: PrivacyLinkSettings;
}

export type SendOutcome =
  | { readonly outcome: 'sent'; readonly messageId: string }
  | {
      readonly outcome: 'skipped';
      readonly reason: 'missing' | 'no_draft' | 'already_sent' | 'not_approved' | 'lost_race';
    }
  /**
   * Another attempt holds the draft. Look again at `recheckAt` (when that attempt counts as dead): it may
   * still put the draft back to approved (throttled) after its own message is gone, so someone must.
   */
  | { readonly outcome: 'skipped'; readonly reason: 'in_flight'; readonly recheckAt: string }
  | { readonly outcome: 'scheduled'; readonly sendAfter: string }
  /** An automatic send over a send limit: the draft now waits for its owner's review. */
  | { readonly outcome: 'held_for_review'; readonly reason: string }
  | {
      readonly outcome: 'failed';
      readonly reason: 'suppressed' | 'no_recipient' | 'no_sender' | 'rejected' | 'delivery_unknown';
    };

export const DELIVERY_UNKNOWN = 'delivery unknown — check before resending';

export const emailHash = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/**
 * Sends the lead's approved draft once. When it is not due yet (`scheduled`) or another attempt holds it
 * (`in_flight`), a delayed message brings the draft back here when it matters.
 */
export const sendDraft = async (leadId: string, deps: SendDeps): Promise<SendOutcome> => {
  const outcome = await sendOnce(leadId, deps);
  const comeBackAt =
    outcome.outcome === 'scheduled'
      ? outcome.sendAfter
      : outcome.outcome === 'skipped' && outcome.reason === 'in_flight'
        ? outcome.recheckAt
        : undefined;
  if (comeBackAt) await deps.sendQueue.send({ leadId }, { delaySeconds: delayUntil(comeBackAt, deps.now()) });
  // A redelivery after a crash between sending and telling the CRM tells it then (the sync logs a mail once).
  if (outcome.outcome === 'sent' || (outcome.outcome === 'skipped' && outcome.reason === 'already_sent'))
    await notifyCrm(deps.crm, { leadId, trigger: 'email_sent' });
  return outcome;
};

const sendOnce = async (leadId: string, deps: SendDeps): Promise<SendOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  const draft = record.draft;
  if (!draft) return { outcome: 'skipped', reason: 'no_draft' };
  const nowIso = () => deps.now().toISOString();

  if (draft.status === 'sent') return { outcome: 'skipped', reason: 'already_sent' };
  if (draft.status === 'sending') {
    const started = Date.parse(draft.send?.startedAt ?? '');
    const ageSeconds = (deps.now().getTime() - started) / 1000;
    if (Number.isFinite(ageSeconds) && ageSeconds < deps.stuckAfterSeconds)
      return {
        outcome: 'skipped',
        reason: 'in_flight',
        recheckAt: new Date(started + deps.stuckAfterSeconds * 1000).toISOString(),
      };
    await deps.store.failSend(
      leadId,
      { status: 'sending', attemptId: draft.send?.attemptId ?? '' },
      { error: DELIVERY_UNKNOWN, failedAt: nowIso() },
    );
    return { outcome: 'failed', reason: 'delivery_unknown' };
  }
  if (draft.status !== 'approved') return { outcome: 'skipped', reason: 'not_approved' };
  // Auto-send only in business hours: not yet due → the message comes back until it is.
  if (draft.sendAfter && Date.parse(draft.sendAfter) > deps.now().getTime())
    return { outcome: 'scheduled', sendAfter: draft.sendAfter };

  const fail = async (reason: 'suppressed' | 'no_recipient' | 'no_sender', error: string) => {
    await deps.store.failSend(leadId, { status: 'approved' }, { error, failedAt: nowIso() });
    return { outcome: 'failed', reason } as const;
  };
  const to = record.lead.person.email;
  if (!to) return fail('no_recipient', 'the lead has no email address');
  if (
    (await deps.store.isSuppressed(emailHash(to))) ||
    (deps.privacy && (await deps.store.isSuppressed(saltedEmailHash(deps.privacy.secret, to))))
  )
    return fail('suppressed', 'the recipient is on the suppression list (bounce, complaint or unsubscribe)');
  const rep = deps.rep(record.route?.ownerId);
  if (!rep) return fail('no_sender', 'the owner is not in team.yaml');
  if (deps.autoSendGate && draft.handoff === 'auto' && !draft.reviewedBy) {
    const claimed = await deps.autoSendGate.claim({
      leadId,
      addressHash: emailHash(to),
      domain: to.slice(to.lastIndexOf('@') + 1).toLowerCase(),
      at: deps.now(),
    });
    if (!claimed.ok) {
      await deps.store.holdForReview(leadId, claimed.reason);
      return { outcome: 'held_for_review', reason: claimed.reason };
    }
  }

  const attemptId = deps.newAttemptId?.() ?? ulid();
  const begun = await deps.store.beginSend(leadId, { attemptId, startedAt: nowIso() });
  if (begun === 'conflict') return { outcome: 'skipped', reason: 'lost_race' };

  // The notice is added here, after every edit and review, so nobody's edit can remove it.
  const notice = deps.privacy ? privacyNotice(record, deps.privacy, deps.now()) : undefined;
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({
      fromAddress: deps.fromAddress,
      fromName: rep.name,
      replyTo: rep.email,
      to,
      subject: draft.subject,
      text: notice ? `${draft.body}\n\n${notice.text}` : draft.body,
      ...(notice ? { headers: notice.headers } : {}),
    }));
  } catch (error) {
    const kind = error instanceof MailerError ? error.kind : 'unknown';
    if (kind === 'retryable') {
      // Nothing was sent: back to approved, and let SQS deliver the message again.
      await deps.store.releaseSend(leadId, attemptId);
      throw error;
    }
    const message =
      kind === 'rejected' ? `rejected by the mail service: ${(error as Error).message}` : DELIVERY_UNKNOWN;
    await deps.store.failSend(
      leadId,
      { status: 'sending', attemptId },
      { error: message, failedAt: nowIso() },
    );
    return { outcome: 'failed', reason: kind === 'rejected' ? 'rejected' : 'delivery_unknown' };
  }
  await deps.store.completeSend(leadId, attemptId, { messageId, sentAt: nowIso() });
  return { outcome: 'sent', messageId };
};
