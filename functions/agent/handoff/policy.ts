/**
 * The handoff point: per tier, quadrant, route, country or draft quality, ops decide whether a
 * drafted first email waits for the owner's approval (`review`), goes out at once (`auto`, optionally only
 * inside the team's business hours) or is not sent at all (`none`). Rules are read top to bottom; the first
 * rule whose `when` matches decides, else `default`. Pure: no I/O, no AWS.
 *
 * Safety rails that no setting can switch off: a draft that failed a guardrail (`humanReviewRequired`) is
 * never `auto`; nor is a draft to an address that is not corroborated or that repeats the prospect's own words
 * (./eligibility.ts; the send step adds per-recipient and per-domain limits). An `auto` rule with
 * `businessHoursOnly` outside business hours is scheduled for the next opening.
 */

import * as z from 'zod';
import { type Calendar, inBusinessHours, nextBusinessMoment } from '../business-time';
import { namedPath } from '../config-path';
import type { DraftingResult } from '../draft';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { PARSE_ONCE } from '../parse-once';
import { type HandoffMode, HandoffModeSchema, QuadrantSchema, TierSchema } from '../qualification';
import type { Teams } from '../route/team';
import { parseYamlText } from '../yaml-text';
import { autoSendBlockers } from './eligibility';

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1);

export const HandoffWhenSchema = z
  .strictObject({
    tier: nonEmpty(TierSchema).optional(),
    quadrant: nonEmpty(QuadrantSchema).optional(),
    routeKind: nonEmpty(z.enum(['owner', 'nurture'])).optional(),
    team: nonEmpty(z.string().min(1)).optional(),
    /** ISO 3166-1 alpha-2 of the lead's company, upper case. */
    country: nonEmpty(z.string().regex(/^[A-Z]{2}$/, 'use ISO 3166-1 alpha-2 codes like NL')).optional(),
    /** Whether the draft passed every guardrail. */
    guardrailPassed: z.boolean().optional(),
    /** The score's data confidence (0..1) is below this value. */
    dataConfidenceBelow: z.number().min(0).max(1).optional(),
    /** The score's data confidence (0..1) is at least this value. */
    dataConfidenceAtLeast: z.number().min(0).max(1).optional(),
  })
  .default({});
export type HandoffWhen = z.infer<typeof HandoffWhenSchema>;

export const HandoffRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().optional(),
  when: HandoffWhenSchema,
  mode: HandoffModeSchema,
  /** Only for `auto`: outside the owner's team business hours the draft waits for review instead. */
  businessHoursOnly: z.boolean().optional(),
});
export type HandoffRule = z.infer<typeof HandoffRuleSchema>;

export const HandoffPolicySchema = z
  .strictObject({
    version: z.string().min(1),
    default: HandoffModeSchema.default('review'),
    rules: z.array(HandoffRuleSchema).default([]),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
      if (rule.businessHoursOnly && rule.mode !== 'auto')
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'businessHoursOnly'],
          message: 'only applies to mode auto',
        });
    });
  });
export type HandoffPolicy = z.infer<typeof HandoffPolicySchema>;
export type HandoffPolicyInput = z.input<typeof HandoffPolicySchema>;

const INVALID = 'The handoff configuration is not valid';

/** Plain dotted path of a zod issue (`rules[1].when.tier[0]`), the way a form names its fields. */
const plainPath = (path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );

const invalid = (issues: { field: string; message: string }[]) =>
  new DomainError('invalid', `${INVALID}: ${issues.map((i) => i.message).join('; ')}`, { issues });

/**
 * Validates a parsed policy; throws a DomainError (`invalid`) with one issue per rule and field at fault: the
 * message names the rule by its id (`rules[3] (hot-auto).mode: …`), the field is the plain path under `under`
 * (the name of the request field that holds the policy, e.g. `config`).
 */
export const parseHandoffPolicy = (raw: unknown, under?: string): HandoffPolicy => {
  const result = HandoffPolicySchema.safeParse(raw, PARSE_ONCE);
  if (result.success) return result.data;
  throw invalid(
    result.error.issues.map((issue) => {
      const message =
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
      const path = plainPath(issue.path);
      return {
        field: [under, path].filter(Boolean).join('.') || (under ?? 'handoff'),
        message: `handoff: ${namedPath(issue.path, raw)}: ${message}`,
      };
    }),
  );
};

export const parseHandoffYaml = (text: string): HandoffPolicy => {
  let raw: unknown;
  try {
    raw = parseYamlText(text, { prettyErrors: true });
  } catch (error) {
    throw invalid([{ field: 'handoff', message: `handoff: YAML: ${(error as Error).message}` }]);
  }
  return parseHandoffPolicy(raw);
};

export interface HandoffDecision {
  readonly mode: HandoffMode;
  /** Which setting decided, in words, for the audit trail: `handoff@3 rule hot-review: tier hot → review`. */
  readonly reason: string;
  readonly version: string;
  /** The rule that matched; undefined when the default decided. */
  readonly ruleId?: string;
  /** `auto` only inside business hours, decided outside them: send at this moment (the next opening). */
  readonly sendAfter?: string;
}

/** The calendar `businessHoursOnly` uses: the owner's team's, else the default one of team.yaml. */
export const teamCalendar =
  (teams: Teams) =>
  (record: LeadRecord): Calendar | undefined =>
    (record.route?.team ? teams.teams.get(record.route.team)?.calendar : undefined) ?? teams.calendar;

export interface HandoffContext {
  /** Business calendar of the owner's team (for `businessHoursOnly`); without one, auto is never delayed. */
  readonly calendar?: (record: LeadRecord) => Calendar | undefined;
}

const inList = <T>(list: readonly T[] | undefined, value: T | undefined) =>
  list === undefined || (value !== undefined && list.includes(value));

export const matchesHandoffWhen = (
  when: HandoffWhen,
  record: LeadRecord,
  drafting: Pick<DraftingResult, 'draft'>,
): boolean => {
  const confidence = record.score?.dataConfidence;
  return (
    inList(when.tier, record.score?.tier) &&
    inList(when.quadrant, record.score?.quadrant) &&
    inList(when.routeKind, record.route?.kind) &&
    inList(when.team, record.route?.team) &&
    inList(when.country, record.lead.company.country?.toUpperCase()) &&
    (when.guardrailPassed === undefined || drafting.draft?.guardrail.passed === when.guardrailPassed) &&
    (when.dataConfidenceBelow === undefined ||
      (confidence !== undefined && confidence < when.dataConfidenceBelow)) &&
    (when.dataConfidenceAtLeast === undefined ||
      (confidence !== undefined && confidence >= when.dataConfidenceAtLeast))
  );
};

/** The handoff decision for one drafted lead. Pure and deterministic for a given `now`. */
export const decideHandoff = (
  record: LeadRecord,
  drafting: Pick<DraftingResult, 'draft' | 'humanReviewRequired'>,
  policy: HandoffPolicy,
  now: Date,
  context: HandoffContext = {},
): HandoffDecision => {
  const version = policy.version;
  if (!drafting.draft) return { mode: 'none', reason: `${version}: no draft written`, version };
  const rule = policy.rules.find((r) => matchesHandoffWhen(r.when, record, drafting));
  const by = rule ? `${version} rule ${rule.id}` : `${version} default`;
  const mode = rule ? rule.mode : policy.default;
  const base = { version, ...(rule ? { ruleId: rule.id } : {}) };
  if (mode === 'auto' && drafting.humanReviewRequired)
    return { ...base, mode: 'review', reason: `${by}: auto, but the draft failed a guardrail → review` };
  const blockers = mode === 'auto' ? autoSendBlockers(record, drafting) : [];
  if (blockers.length > 0)
    return { ...base, mode: 'review', reason: `${by}: auto, but ${blockers.join('; ')} → review` };
  if (mode === 'auto' && rule?.businessHoursOnly) {
    const calendar = context.calendar?.(record);
    if (calendar && !inBusinessHours(now, calendar)) {
      const sendAfter = nextBusinessMoment(now, calendar).toISOString();
      return {
        ...base,
        mode,
        sendAfter,
        reason: `${by}: auto in business hours → scheduled for ${sendAfter}`,
      };
    }
  }
  return { ...base, mode, reason: `${by} → ${mode}` };
};
