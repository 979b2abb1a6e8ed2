/**
 * Drafting of one routed lead: the LLM (or the deterministic template writer) explains the score and drafts
 * the first email; then the handoff point decides whether the draft waits for the owner's approval (`review`),
 * goes out at once (`auto`) or is not sent at all (`none`). The score, tier and route are inputs only.
 * Idempotent: rationale and draft are stored once; a redelivery re-sends only the send message.
 */

import type { Calendar } from '../business-time';
import { notifyCrm } from '../crm/notify';
import type { DraftingInput, DraftingResult, RepInfo } from '../draft';
import type { SellerInfo } from '../draft/request';
import { decideHandoff, type HandoffPolicy } from '../handoff/policy';
import { carriedDisposition, type DispositionsFile } from '../judge/disposition';
import type { Extraction } from '../judge/llm-extract';
import type { LeadRecord } from '../lead-record';
import type { CrmNotifier, LeadQueue, LeadStore } from '../ports';
import type { Draft, HandoffMode, Score } from '../qualification';
import type { Person } from '../route/team';
import { type CompiledRules, scoreEnrichedLead } from '../score';
import { delayUntil } from './lead-message';

export interface DraftDeps {
  readonly store: LeadStore;
  readonly write: (input: DraftingInput) => Promise<DraftingResult>;
  /** The owner as a signer, from the team file; undefined for unknown ids. */
  readonly rep: (ownerId: string | undefined) => RepInfo | undefined;
  readonly companySiteUrl?: string;
  /** Our company and product as drafts name them (config/company.yaml). */
  readonly seller?: SellerInfo;
  /**
   * With an LLM: reads facts from the message (each with a verbatim quote) before drafting. Runs here, after
   * routing, so it never delays the route; when the facts add points the lead gets a new score version
   * (cause `message_facts`) and the draft is written from it.
   */
  readonly readMessage?: {
    readonly propose: (message: string, now: Date) => Promise<Extraction>;
    readonly rules: CompiledRules;
    readonly dispositions?: DispositionsFile;
  };
  /** The handoff policy in force (ops may publish a new version at any time). */
  readonly handoffPolicy: () => Promise<HandoffPolicy>;
  /** The business calendar of the lead's team, for `businessHoursOnly` auto-sends. */
  readonly calendar?: (record: LeadRecord) => Calendar | undefined;
  readonly sendQueue: LeadQueue;
  /** The CRM sync's trigger (absent: no CRM); told once the rationale is stored, for the note that explains. */
  readonly crm?: CrmNotifier;
  readonly clock: () => number;
  readonly now: () => Date;
}

/** The owner as the email's signer, from the team's people; undefined for an unknown id. */
export const signerFrom =
  (people: ReadonlyMap<string, Person>) =>
  (ownerId: string | undefined): RepInfo | undefined => {
    const p = ownerId ? people.get(ownerId) : undefined;
    return p
      ? {
          id: p.id,
          name: p.name,
          email: p.email,
          title: p.title,
          ...(p.bookingUrl ? { bookingUrl: p.bookingUrl } : {}),
        }
      : undefined;
  };

export type DraftOutcome =
  | {
      readonly outcome: 'drafted';
      readonly handoff: HandoffMode;
      readonly draftStatus: Draft['status'] | 'none';
    }
  | { readonly outcome: 'skipped'; readonly reason: 'missing' | 'not_routed' | 'already_drafted' };

export const draftLead = async (leadId: string, deps: DraftDeps): Promise<DraftOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  if (!record.route || !record.score || !record.enrichment)
    return { outcome: 'skipped', reason: 'not_routed' };
  if (record.rationale) {
    if (record.draft?.status === 'approved') await deps.sendQueue.send({ leadId });
    await notifyCrm(deps.crm, { leadId, trigger: 'routed' });
    return { outcome: 'skipped', reason: 'already_drafted' };
  }

  const t0 = deps.clock();
  const score = await rescoreWithMessageFacts(record, deps);
  const timeZone = deps.calendar?.(record)?.timeZone;
  const rep = record.route.kind === 'owner' ? deps.rep(record.route.ownerId) : undefined;
  // A nurture lead gets no personal email from a rep; opted-out or unreachable leads get none either.
  const wantsEmail =
    record.route.kind === 'owner' && rep !== undefined && record.lead.person.email !== undefined;
  const drafting = await deps.write({
    leadId,
    lead: record.lead,
    enrichment: record.enrichment,
    score,
    route: record.route,
    ...(rep ? { rep } : {}),
    wantsEmail,
    ...(deps.companySiteUrl ? { companySiteUrl: deps.companySiteUrl } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(deps.seller ? { seller: deps.seller } : {}),
    // The rationale follows the prospect's language too (the rep works the lead in it).
    rationaleLanguage: record.lead.language,
  });
  // The policy's safety rails hold whatever ops configured: no draft → none; a failed guardrail → review.
  const decision = decideHandoff({ ...record, score }, drafting, await deps.handoffPolicy(), deps.now(), {
    ...(deps.calendar ? { calendar: deps.calendar } : {}),
  });
  const mode: HandoffMode = decision.mode;
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
  const saved = await deps.store.saveDraft(leadId, {
    rationale: drafting.rationale,
    ...(draft ? { draft } : {}),
    routeKind: record.route.kind,
    steps: {
      rationale: { ms: Math.round((deps.clock() - t0) * 100) / 100, at: deps.now().toISOString() },
      handoff: { ms: 0, at: deps.now().toISOString() },
    },
  });
  if (!saved) return { outcome: 'skipped', reason: 'already_drafted' };
  if (draftStatus === 'approved')
    await deps.sendQueue.send(
      { leadId },
      {
        delaySeconds: delayUntil(draft?.sendAfter, deps.now()),
      },
    );
  // The routed lead is in the CRM already; this sync adds the note with the rationale and the next action.
  await notifyCrm(deps.crm, { leadId, trigger: 'routed' });
  return { outcome: 'drafted', handoff: mode, draftStatus };
};

/** The stored score, or a new version when facts the LLM read from the message (checked quotes) add points. */
const rescoreWithMessageFacts = async (record: LeadRecord, deps: DraftDeps): Promise<Score> => {
  const stored = record.score as Score;
  const reader = deps.readMessage;
  const message = record.lead.message;
  if (!reader || !message || !record.enrichment) return stored;
  const now = deps.now();
  const t0 = deps.clock();
  const extraction = await reader.propose(message, now);
  if (extraction.signals.length === 0) return stored;
  const rescored = carriedDisposition(
    stored,
    scoreEnrichedLead(record.lead, record.enrichment, reader.rules, now, {
      proposed: extraction.signals,
      ...(reader.dispositions ? { dispositions: reader.dispositions } : {}),
    }),
  );
  if (rescored.total <= stored.total) return stored;
  const saved = await deps.store.saveQualification(record.leadId, {
    enrichment: record.enrichment,
    score: rescored,
    cause: 'message_facts',
    steps: { score: { ms: Math.round((deps.clock() - t0) * 100) / 100, at: now.toISOString() } },
  });
  if (saved) return rescored;
  // A redelivery: the version stored first stands.
  return (await deps.store.get(record.leadId))?.score ?? stored;
};
