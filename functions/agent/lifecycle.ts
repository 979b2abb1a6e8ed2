/**
 * A lead's lifecycle, in one place: the states of a lead and of its first-email draft, the commands that
 * move them, and from which states each command is allowed. Pure data and pure functions (decider style):
 * the use cases ask `decideLead` / `decideDraft` whether a command may run and what state follows; the
 * storage adapters turn the same table into the conditions of their conditional writes, so no write can
 * move a lead or a draft along an edge that is not listed here.
 *
 * Lead states. `sent` is the stored name of "contacted": the first email was sent, or a rep logged contact.
 *
 *   received ──qualify──▶ routed | nurture            (spam: stored at intake, never qualified)
 *   routed ──save_draft──▶ drafted ──complete_send──▶ sent (contacted)
 *   routed | drafted ──record_outcome(contacted)──▶ sent
 *   routed | drafted | sent ──record_outcome(meeting_booked)──▶ meeting
 *   sent | meeting ──record_outcome(won)──▶ won            … ──record_outcome(lost | disqualified)──▶ lost | disqualified
 *   sent | lost | disqualified ──recycle──▶ nurture     won | lost | disqualified ──reopen──▶ routed
 *   nurture ──reroute──▶ received (routed again)        nurture ──assign──▶ routed (a manager's pick)
 *   routed | drafted | sent | meeting | nurture | failed ──dispose──▶ nurture | disqualified (not a sales lead)
 *   nurture | disqualified ──requalify──▶ received (a sales lead after all: routed again)
 *   any pipeline state ──fail──▶ failed (a step ended in its dead-letter queue)
 *
 * Closing states (won, lost, disqualified) end the owner's work on the lead: a transition out of a state in
 * which the lead counts toward its rep's open load into one where it does not releases that load, and the
 * way back takes it again (`loadEffect`), so each closing releases the load exactly once.
 *
 * Draft states: pending (waits for review) → approved → sending → sent, or rejected, or failed; `none` when
 * the handoff decided that nothing is sent.
 */
import * as z from 'zod';

/* ------------------------------------------------------------------------------------------ lead states */

export const LEAD_STATUSES = [
  'received', // stored and queued for qualification (in the outbox until drafted)
  'spam', // honeypot or time trap: stored, never qualified
  'failed', // a step ended in its dead-letter queue; `error` says why
  'routed', // scored and routed to an owner; draft not yet written
  'nurture', // below threshold or recycled: nurture sequence, no rep
  'disqualified', // closed: not a fit (a person said so)
  'drafted', // rationale and draft written; waiting for review or the send
  'sent', // contacted: first email sent or contact logged
  'meeting', // a meeting is booked
  'won', // closed: a deal
  'lost', // closed: no deal
] as const;
export const LeadStatusSchema = z.enum(LEAD_STATUSES);
export type LeadStatus = z.infer<typeof LeadStatusSchema>;

/** States that end the owner's work on a lead. */
export const CLOSING_STATES: readonly LeadStatus[] = ['won', 'lost', 'disqualified'];
/** States in which a lead counts toward its rep's open load (an owner route that is being worked). */
export const LOAD_STATES: readonly LeadStatus[] = ['routed', 'drafted', 'sent', 'meeting'];

/* ----------------------------------------------------------------------------------------- draft states */

export const DRAFT_STATUSES = [
  'pending',
  'approved',
  'sending',
  'sent',
  'rejected',
  'failed',
  'none',
] as const;
export const DraftStatusSchema = z.enum(DRAFT_STATUSES);
export type DraftStatus = z.infer<typeof DraftStatusSchema>;

/* ----------------------------------------------------------------------------------------- lead commands */

export const OUTCOMES = [
  'contacted',
  'no_response',
  'meeting_booked',
  'disqualified',
  'won',
  'lost',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The pipeline states a failing step can leave a lead in. */
const PIPELINE: readonly LeadStatus[] = ['received', 'routed', 'nurture', 'drafted', 'failed'];
/** Every state in which the lead has a score. */
const SCORED: readonly LeadStatus[] = [
  'routed',
  'nurture',
  'drafted',
  'sent',
  'meeting',
  'won',
  'lost',
  'disqualified',
  'failed',
];

export interface LeadTransition {
  /** The command, with the variant that decides the target (a route kind, an outcome). */
  readonly command: string;
  readonly from: readonly LeadStatus[];
  /** The resulting state; `same` keeps the state the lead was in. */
  readonly to: LeadStatus | 'same';
  readonly means: string;
}

/** Every allowed move of a lead. A command absent for a state is refused in that state. */
export const LEAD_TRANSITIONS = {
  'qualify:owner': { from: ['received'], to: 'routed', means: 'scored and routed to an owner' },
  'qualify:nurture': {
    from: ['received'],
    to: 'nurture',
    means: 'scored below the threshold or routed to nurture',
  },
  // A late step that finishes recovers a lead that was marked failed meanwhile.
  'save_draft:owner': { from: ['routed', 'failed'], to: 'drafted', means: 'rationale and draft written' },
  'save_draft:nurture': { from: ['nurture', 'failed'], to: 'nurture', means: 'rationale written, no email' },
  // The draft's send completes in any lead state; a lead already further along (a meeting logged meanwhile)
  // keeps its state.
  complete_send: { from: ['routed', 'drafted', 'failed'], to: 'sent', means: 'first email sent' },
  // The error is recorded in any state; only a lead still in the pipeline is marked failed.
  fail: { from: PIPELINE, to: 'failed', means: 'a step ended in its dead-letter queue' },
  reassign: {
    from: ['routed', 'drafted', 'sent', 'meeting', 'failed'],
    to: 'same',
    means: 'another owner takes over',
  },
  override: { from: SCORED, to: 'same', means: 'a person overrides tier or total' },
  rescore: { from: SCORED, to: 'same', means: 'a new score version (new activity, signals, decay)' },
  'record_outcome:contacted': { from: ['routed', 'drafted'], to: 'sent', means: 'a rep logged contact' },
  'record_outcome:no_response': { from: ['sent'], to: 'same', means: 'no answer yet' },
  'record_outcome:meeting_booked': {
    from: ['routed', 'drafted', 'sent'],
    to: 'meeting',
    means: 'a meeting is booked',
  },
  'record_outcome:disqualified': {
    from: ['routed', 'nurture', 'drafted', 'sent', 'meeting'],
    to: 'disqualified',
    means: 'not a fit',
  },
  'record_outcome:won': { from: ['sent', 'meeting'], to: 'won', means: 'a deal' },
  'record_outcome:lost': { from: ['routed', 'drafted', 'sent', 'meeting'], to: 'lost', means: 'no deal' },
  recycle: { from: ['sent', 'lost', 'disqualified'], to: 'nurture', means: 'back to the nurture sequence' },
  reopen: { from: ['won', 'lost', 'disqualified'], to: 'routed', means: 'back to the owner as an open lead' },
  // A person raised a nurtured lead's tier: routing runs again (the qualify step, score kept), then drafting.
  reroute: { from: ['nurture'], to: 'received', means: 'tier raised by a person: routed again' },
  // A manager hands a lead nobody works to a rep; drafting follows.
  assign: { from: ['nurture'], to: 'routed', means: 'a manager assigned it to a rep' },
  // A person says the lead is not a sales lead after all (a job application, a vendor pitch, …): the owner's
  // work ends (the load is released) and a pending or approved draft is withdrawn. Spam/tests and competitors
  // are closed as disqualified, every other non-sales kind goes to nurture like qualification sends it.
  'dispose:nurture': {
    from: ['routed', 'drafted', 'sent', 'meeting', 'nurture', 'failed'],
    to: 'nurture',
    means: 'not a sales lead (a person said so): off the owner, to its destination',
  },
  'dispose:disqualified': {
    from: ['routed', 'drafted', 'sent', 'meeting', 'nurture', 'failed'],
    to: 'disqualified',
    means: 'spam, a test or a competitor (a person said so): closed',
  },
  // A person says a non-sales lead is a sales lead: routing runs again (the qualify step, score kept), then drafting.
  requalify: {
    from: ['nurture', 'disqualified'],
    to: 'received',
    means: 'a sales lead after all (a person said so): routed again',
  },
} as const satisfies Record<string, Omit<LeadTransition, 'command'>>;

export type LeadCommand = keyof typeof LEAD_TRANSITIONS;

/** The table as rows, for people and for tests. */
export const leadTransitions = (): LeadTransition[] =>
  Object.entries(LEAD_TRANSITIONS).map(([command, t]) => ({ command, ...t }));

/** The states a command is allowed from. */
export const leadFrom = (command: LeadCommand): readonly LeadStatus[] => LEAD_TRANSITIONS[command].from;

/** The state a command leads to from every state it is allowed from (undefined: it keeps the state). */
export const leadTo = (command: LeadCommand): LeadStatus | undefined => {
  const to: LeadStatus | 'same' = LEAD_TRANSITIONS[command].to;
  return to === 'same' ? undefined : to;
};

export type LeadDecision =
  | { readonly ok: true; readonly from: LeadStatus; readonly to: LeadStatus; readonly load: LoadEffect }
  | { readonly ok: false; readonly from: LeadStatus; readonly allowedFrom: readonly LeadStatus[] };

/** Whether `command` may run on a lead in `from`, and the state that follows. */
export const decideLead = (from: LeadStatus, command: LeadCommand): LeadDecision => {
  const t = LEAD_TRANSITIONS[command];
  if (!(t.from as readonly LeadStatus[]).includes(from)) return { ok: false, from, allowedFrom: t.from };
  const to = t.to === 'same' ? from : t.to;
  return { ok: true, from, to, load: loadEffect(from, to) };
};

/** The lead command for a route kind (qualify) or a drafting result (save draft). */
export const qualifyCommand = (routeKind: 'owner' | 'nurture'): LeadCommand => `qualify:${routeKind}`;
export const saveDraftCommand = (routeKind: 'owner' | 'nurture'): LeadCommand => `save_draft:${routeKind}`;
export const outcomeCommand = (outcome: Outcome): LeadCommand => `record_outcome:${outcome}`;
/** Which closing a person's non-sales disposition gets: spam/tests and competitors are disqualified. */
export const disposeCommand = (kind: string): LeadCommand =>
  kind === 'spam_test' || kind === 'competitor' ? 'dispose:disqualified' : 'dispose:nurture';

/** What a move does to the owner's open load: released when it leaves the load states, taken when it enters. */
export type LoadEffect = 'release' | 'take' | 'none';
export const loadEffect = (from: LeadStatus, to: LeadStatus): LoadEffect => {
  const before = LOAD_STATES.includes(from);
  const after = LOAD_STATES.includes(to);
  return before && !after ? 'release' : !before && after ? 'take' : 'none';
};

/* ---------------------------------------------------------------------------------------- draft commands */

export interface DraftTransition {
  /** `absent`: the lead has no draft yet. */
  readonly from: readonly (DraftStatus | 'absent')[];
  readonly to: DraftStatus | 'chosen';
  readonly means: string;
}

/** Every allowed move of a draft. */
export const DRAFT_TRANSITIONS = {
  /** Drafting stores the draft once; the handoff chose its first state (pending, approved or none). */
  save: { from: ['absent'], to: 'chosen', means: 'drafted; the handoff decided review, auto or none' },
  edit: { from: ['pending'], to: 'pending', means: 'a person edited subject or body' },
  approve: { from: ['pending'], to: 'approved', means: 'a person approved it for sending' },
  reject: { from: ['pending'], to: 'rejected', means: 'a person rejected it' },
  begin_send: {
    from: ['approved'],
    to: 'sending',
    means: 'an attempt took it, before calling the mail service',
  },
  complete_send: { from: ['sending'], to: 'sent', means: 'the mail service accepted it' },
  /** From approved: nobody to send to (suppressed, no address, no sender); nothing was attempted. */
  fail_send: { from: ['sending', 'approved'], to: 'failed', means: 'refused, or the outcome is unknown' },
  release_send: { from: ['sending'], to: 'approved', means: 'throttled: nothing sent, try again' },
  /** The lead is not a sales lead after all: a draft nobody has started to send is withdrawn. */
  withdraw: {
    from: ['pending', 'approved'],
    to: 'rejected',
    means: 'the lead is not a sales lead: no sales email goes out',
  },
  /** An automatic send over a send limit: nobody approved it, so a person reads it first after all. */
  hold_for_review: {
    from: ['approved'],
    to: 'pending',
    means: 'over an automatic send limit: waits for review',
  },
} as const satisfies Record<string, DraftTransition>;

export type DraftCommand = keyof typeof DRAFT_TRANSITIONS;

/** The draft states a command is allowed from (never `absent` but for `save`). */
export const draftFrom = (command: Exclude<DraftCommand, 'save'>): readonly DraftStatus[] =>
  DRAFT_TRANSITIONS[command].from;

export type DraftDecision =
  | { readonly ok: true; readonly to: DraftStatus }
  | { readonly ok: false; readonly allowedFrom: readonly (DraftStatus | 'absent')[] };

/** Whether `command` may run on a draft in `from` (`absent`: no draft yet); `chosen` is the save's target. */
export const decideDraft = (
  from: DraftStatus | 'absent',
  command: DraftCommand,
  chosen?: DraftStatus,
): DraftDecision => {
  const t: DraftTransition = DRAFT_TRANSITIONS[command];
  if (!t.from.includes(from)) return { ok: false, allowedFrom: t.from };
  const to = t.to === 'chosen' ? chosen : t.to;
  if (to === undefined) throw new Error(`draft ${command} needs the chosen state`);
  return { ok: true, to };
};

/** Draft states a person sees as "on its way or gone": a second approval answers them instead of refusing. */
export const APPROVED_OR_LATER: readonly DraftStatus[] = ['approved', 'sending', 'sent'];
