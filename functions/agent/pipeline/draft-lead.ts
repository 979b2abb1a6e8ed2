/**
 * Drafting of one routed lead: the LLM (or the deterministic template writer) explains the score and drafts
 * the first email; then the handoff point decides whether the draft waits for the owner's approval (`review`),
 * goes out at once (`auto`) or is not sent at all (`none`). The score, tier and route are inputs only.
 * Idempotent: rationale and draft are stored once; a redelivery re-sends only the send message.
 */
import type { DraftingInput, DraftingResult, RepInfo } from '../draft';
import type { LeadRecord } from '../lead-record';
import type { LeadStore, MessageQueue } from '../ports';
import type { Draft, HandoffMode, LeadStatus } from '../qualification';

export interface HandoffDecision {
  readonly mode: HandoffMode;
  /** Which handoff setting decided, for the audit trail (e.g. `handoff@3: hot → review`). */
  readonly reason: string;
  readonly version: string;
}

export interface DraftDeps {
  readonly store: LeadStore;
  readonly write: (input: DraftingInput) => Promise<DraftingResult>;
  /** The owner as a signer, from the team file; undefined for unknown ids. */
  readonly rep: (ownerId: string | undefined) => RepInfo | undefined;
  readonly companySiteUrl?: string;
  readonly handoff: (
    record: LeadRecord,
    drafting: DraftingResult,
  ) => HandoffDecision & { sendAfter?: string };
  readonly sendQueue: MessageQueue;
  readonly clock: () => number;
  readonly now: () => Date;
}

export type DraftOutcome =
  | {
      readonly outcome: 'drafted';
      readonly handoff: HandoffMode;
      readonly draftStatus: Draft['status'] | 'none';
    }
  | { readonly outcome: 'skipped'; readonly reason: 'missing' | 'not_routed' | 'already_drafted' };

/** SQS delays a message by at most 15 minutes; a later send is re-queued by the send step until due. */
export const MAX_DELAY_SECONDS = 900;
export const delayUntil = (at: string | undefined, now: Date): number =>
  at ? Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil((Date.parse(at) - now.getTime()) / 1000))) : 0;

/** The message on the send queue: ids only. */
export interface SendMessage {
  readonly leadId: string;
}

export const draftLead = async (leadId: string, deps: DraftDeps): Promise<DraftOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  if (!record.route || !record.score || !record.enrichment)
    return { outcome: 'skipped', reason: 'not_routed' };
  if (record.rationale) {
    if (record.draft?.status === 'approved') await deps.sendQueue.send({ leadId } satisfies SendMessage);
    return { outcome: 'skipped', reason: 'already_drafted' };
  }

  const t0 = deps.clock();
  const rep = record.route.kind === 'owner' ? deps.rep(record.route.ownerId) : undefined;
  // A nurture lead gets no personal email from a rep; opted-out or unreachable leads get none either.
  const wantsEmail =
    record.route.kind === 'owner' && rep !== undefined && record.lead.person.email !== undefined;
  const drafting = await deps.write({
    leadId,
    lead: record.lead,
    enrichment: record.enrichment,
    score: record.score,
    route: record.route,
    ...(rep ? { rep } : {}),
    wantsEmail,
    ...(deps.companySiteUrl ? { companySiteUrl: deps.companySiteUrl } : {}),
  });
  const decision = deps.handoff(record, drafting);
  // A draft that failed a guardrail is never sent without a person reading it, whatever the setting.
  const mode: HandoffMode = drafting.draft
    ? drafting.humanReviewRequired
      ? 'review'
      : decision.mode
    : 'none';
  const draftStatus: Draft['status'] = mode === 'auto' ? 'approved' : mode === 'review' ? 'pending' : 'none';
  const draft: Draft | undefined = drafting.draft
    ? {
        subject: drafting.draft.subject,
        body: drafting.draft.body,
        language: drafting.draft.language,
        status: draftStatus,
        handoff: mode,
        guardrail: drafting.draft.guardrail,
        provider: drafting.draft.provider,
        promptVersion: drafting.draft.promptVersion,
        createdAt: drafting.draft.createdAt,
        handoffVersion: decision.version,
        handoffReason: decision.reason,
        ...(mode === 'auto' && decision.sendAfter ? { sendAfter: decision.sendAfter } : {}),
      }
    : undefined;
  const status: LeadStatus = record.route.kind === 'nurture' ? 'nurture' : 'drafted';
  const saved = await deps.store.saveDraft(leadId, {
    rationale: drafting.rationale,
    ...(draft ? { draft } : {}),
    status,
    steps: {
      rationale: { ms: Math.round((deps.clock() - t0) * 100) / 100, at: deps.now().toISOString() },
      handoff: { ms: 0, at: deps.now().toISOString() },
    },
  });
  if (!saved) return { outcome: 'skipped', reason: 'already_drafted' };
  if (draftStatus === 'approved')
    await deps.sendQueue.send({ leadId } satisfies SendMessage, {
      delaySeconds: delayUntil(draft?.sendAfter, deps.now()),
    });
  return { outcome: 'drafted', handoff: mode, draftStatus };
};
