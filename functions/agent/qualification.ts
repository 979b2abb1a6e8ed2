/**
 * The results of the pipeline steps after intake, as stored on the lead: score (with its ledger), route,
 * rationale and draft. Shared contract between the scoring, routing, drafting and handoff modules and the
 * API. Pure data, no AWS.
 */
import * as z from 'zod';
import { DispositionSchema } from './judge/disposition';
import { LanguageSchema } from './lead';
import { DraftStatusSchema } from './lifecycle';

/** The lead's and the draft's states live with their transitions in ./lifecycle. */
export {
  DRAFT_STATUSES,
  type DraftStatus,
  DraftStatusSchema,
  LEAD_STATUSES,
  type LeadStatus,
  LeadStatusSchema,
} from './lifecycle';

export const AXES = ['fit', 'intent', 'engagement'] as const;
export const AxisSchema = z.enum(AXES);
export type Axis = z.infer<typeof AxisSchema>;

export const TIERS = ['cold', 'warm', 'hot'] as const;
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** The intent × engagement matrix: act now (both high), proactive outreach (intent high), nurture (engagement high), monitor. */
export const QUADRANTS = ['act_now', 'proactive_outreach', 'nurture', 'monitor'] as const;
export const QuadrantSchema = z.enum(QUADRANTS);
export type Quadrant = z.infer<typeof QuadrantSchema>;

/** One rule as evaluated for one lead: every rule is listed, fired or not. */
export const LedgerEntrySchema = z.object({
  ruleId: z.string(),
  axis: AxisSchema,
  /** The reason a salesperson reads, e.g. "10–200 employees". */
  reason: z.string(),
  fired: z.boolean(),
  /** Points the rule carries as configured (may be negative). */
  points: z.number(),
  /** Points actually counted after decay and the axis cap; 0 when not fired. */
  awarded: z.number(),
  /** The fact value(s) the condition looked at, for the rep (never personal data). */
  observed: z.unknown().optional(),
  /** Why awarded differs from points: "decayed 50% (activity 30 days old)", "axis cap 40 reached". */
  note: z.string().optional(),
  /**
   * Where the fired rule's fact came from (form, registry, website, message) and, for what the prospect
   * wrote, their verbatim words: "+10 budget approved — 'Het budget is goedgekeurd'".
   */
  evidence: z
    .object({
      source: z.enum(['form', 'registry', 'website', 'message', 'event', 'signal', 'jobs']),
      quote: z.string().optional(),
      at: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const BantSchema = z.object({
  budget: z.boolean(),
  authority: z.boolean(),
  need: z.boolean(),
  timing: z.boolean(),
});
export type Bant = z.infer<typeof BantSchema>;

export const ScoreSchema = z.object({
  fit: z.number(),
  intent: z.number(),
  engagement: z.number(),
  total: z.number(),
  tier: TierSchema,
  quadrant: QuadrantSchema,
  dataConfidence: z.number().min(0).max(1),
  bant: BantSchema,
  ledger: z.array(LedgerEntrySchema),
  rulesVersion: z.string(),
  scoredAt: z.string(),
  /** An explicit hand-raise (demo, trial, pricing, call) in the form or the message. */
  handRaise: z.boolean().optional(),
  /** Sales lead or not (job application, vendor pitch, …), decided before routing; see config/dispositions.yaml. */
  disposition: DispositionSchema.optional(),
});
export type Score = z.infer<typeof ScoreSchema>;

export const RouteSchema = z.object({
  kind: z.enum(['owner', 'nurture']),
  ownerId: z.string().optional(),
  team: z.string().optional(),
  /** Which routing rule matched, and why, in words. */
  ruleId: z.string(),
  reason: z.string(),
  /** When the owner must have made first contact (hot: 1 hour, warm: one business day). */
  slaDueAt: z.string().optional(),
  routingVersion: z.string(),
  assignedAt: z.string(),
});
export type Route = z.infer<typeof RouteSchema>;

export const RationaleSchema = z.object({
  text: z.string(),
  nextAction: z.string(),
  /** `template` when no LLM key was configured or the LLM call failed. */
  provider: z.enum(['openai', 'template']),
  model: z.string().optional(),
  promptVersion: z.string(),
  fallbackReason: z.string().optional(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number() }).optional(),
  writtenAt: z.string(),
});
export type Rationale = z.infer<typeof RationaleSchema>;

export const HANDOFF_MODES = ['review', 'auto', 'none'] as const;
export const HandoffModeSchema = z.enum(HANDOFF_MODES);
export type HandoffMode = z.infer<typeof HandoffModeSchema>;

export const DraftSchema = z.object({
  subject: z.string(),
  body: z.string(),
  language: LanguageSchema,
  status: DraftStatusSchema,
  handoff: HandoffModeSchema,
  guardrail: z.object({ passed: z.boolean(), issues: z.array(z.string()) }),
  provider: z.enum(['openai', 'template']),
  promptVersion: z.string(),
  createdAt: z.string(),
  /** Which handoff setting decided (`handoff@3`) and why, in words. */
  handoffVersion: z.string().optional(),
  handoffReason: z.string().optional(),
  /** Auto-send scheduled for the next business opening (handoff `businessHoursOnly`). */
  sendAfter: z.string().optional(),
  /** The subject/body were edited by a person after drafting. */
  editedBy: z.string().optional(),
  editedAt: z.string().optional(),
  /** Who approved or rejected it, when, and why (reject). */
  reviewedBy: z.string().optional(),
  reviewedAt: z.string().optional(),
  rejectReason: z.string().optional(),
  /**
   * The send state machine (functions/agent/pipeline/send-draft.ts): the attempt is written before SES is
   * called; `messageId` once SES accepted; `error` when it failed.
   */
  send: z
    .object({
      attemptId: z.string(),
      startedAt: z.string(),
      messageId: z.string().optional(),
      sentAt: z.string().optional(),
      error: z.string().optional(),
      failedAt: z.string().optional(),
    })
    .optional(),
});
export type Draft = z.infer<typeof DraftSchema>;
