/**
 * The routing file (`config/routing.yaml`): ordered rules (first match wins), the nurture threshold, the
 * nurture target, the fallback and the SLA per tier. `RoutingFileSchema` validates one file on its own;
 * `parseRoutingSetup` validates both files together (every team and owner a rule names must exist in
 * config/team.yaml) and throws `RoutingValidationError` whose lines name the rule and the field:
 *   routing: rules[2] (enterprise-benelux).to.team: unknown team "enterprize" (teams: enterprise, smb)
 * Pure: no I/O.
 */

import * as z from 'zod';
import { namedPath } from '../config-path';
import { INDUSTRIES } from '../enrichment';
import { FORM_TYPES, LANGUAGES } from '../lead';
import { PARSE_ONCE } from '../parse-once';
import { QUADRANTS, TIERS, type Tier } from '../qualification';
import { parseYamlText } from '../yaml-text';
import { resolveTeams, type TeamFile, TeamFileSchema, type Teams } from './team';

const ID = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected kebab-case: lower-case letters, digits and dashes' });
const COUNTRY = z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code, e.g. NL' });
const nonEmpty = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, { error: 'expected a non-empty list' });

export const WhenSchema = z
  .strictObject({
    tier: nonEmpty(z.enum(TIERS)).optional(),
    quadrant: nonEmpty(z.enum(QUADRANTS)).optional(),
    country: nonEmpty(COUNTRY).optional().meta({ description: 'Form country, else registry, phone or TLD.' }),
    region: nonEmpty(ID).optional().meta({ description: 'Region ids from `regions`.' }),
    employees: z
      .strictObject({
        min: z.number().int().nonnegative().optional(),
        max: z.number().int().nonnegative().optional(),
      })
      .refine((r) => r.min !== undefined || r.max !== undefined, { error: 'expected min and/or max' })
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
        error: 'min is greater than max',
      })
      .optional()
      .meta({ description: 'Inclusive; a lead with unknown size does not match.' }),
    industry: nonEmpty(z.enum(INDUSTRIES)).optional(),
    productLine: nonEmpty(ID).optional().meta({ description: 'Product line ids from `productLines`.' }),
    formType: nonEmpty(z.enum(FORM_TYPES)).optional(),
    language: nonEmpty(z.enum(LANGUAGES)).optional(),
  })
  .meta({ description: 'All listed conditions must hold (AND); a list means any of its values (OR).' });
export type When = z.infer<typeof WhenSchema>;

export const TargetSchema = z
  .strictObject({
    team: ID.optional().meta({ description: 'Round-robin within this team (config/team.yaml).' }),
    owner: ID.optional().meta({ description: 'This person directly.' }),
    nurture: z.literal(true).optional().meta({ description: 'The nurture sequence instead of a person.' }),
  })
  .refine((t) => [t.team, t.owner, t.nurture].filter((v) => v !== undefined).length === 1, {
    error: 'expected exactly one of team, owner or nurture: true',
  });
export type Target = z.infer<typeof TargetSchema>;

export const RoutingRuleSchema = z.strictObject({
  id: ID,
  reason: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Why, as a rep reads it ("10–200 employees"); default: generated from `when`.' }),
  when: WhenSchema.default({}),
  to: TargetSchema,
});
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

export const SlaSchema = z
  .strictObject({
    hours: z.number().positive().optional(),
    businessDays: z.number().positive().optional(),
    businessTime: z
      .boolean()
      .default(true)
      .meta({ description: 'Count only working hours of the team calendar (businessDays always do).' }),
  })
  .refine((s) => (s.hours === undefined) !== (s.businessDays === undefined), {
    error: 'expected exactly one of hours or businessDays',
  })
  .nullable();
export type Sla = z.infer<typeof SlaSchema>;

export const RoutingFileSchema = z
  .strictObject({
    version: z.string().min(1).meta({ description: 'Bump on every change; stored with every route.' }),
    regions: z.record(ID, nonEmpty(COUNTRY)).default({}),
    productLines: z
      .array(
        z.strictObject({
          id: ID,
          name: z.string().min(1),
          keywords: nonEmpty(z.string().min(2)).meta({
            description: 'Case-insensitive; matched in the product the form asked about (productInterest).',
          }),
        }),
      )
      .default([]),
    threshold: z
      .strictObject({
        minTier: z.enum(TIERS).meta({ description: 'Below this tier → nurture.' }),
        nurtureQuadrants: z
          .array(z.enum(QUADRANTS))
          .default([])
          .meta({ description: 'These quadrants → nurture.' }),
        exceptFormTypes: z
          .array(z.enum(FORM_TYPES))
          .default([])
          .meta({ description: 'Form types that always go to a person (e.g. demo_request).' }),
        exceptHandRaise: z
          .strictObject({
            minFit: z.number().meta({ description: 'Fit score from which the company is an ICP fit.' }),
          })
          .optional()
          .meta({
            description:
              'An explicit hand-raise (demo, trial, pricing or a call, in the form or the message) from a company with at least this fit always goes to a person.',
          }),
      })
      .meta({ description: 'Checked before the rules: below it a lead goes to nurture, not to a person.' }),
    nurture: z.strictObject({
      owner: ID.meta({ description: 'Who owns the nurture sequence (marketing).' }),
      sequence: z.string().min(1).optional(),
    }),
    fallback: z
      .strictObject({ team: ID.optional(), owner: ID.optional() })
      .refine((t) => (t.team === undefined) !== (t.owner === undefined), {
        error: 'expected exactly one of team or owner',
      })
      .meta({ description: 'When no rule matches.' }),
    sla: z.strictObject({ hot: SlaSchema, warm: SlaSchema, cold: SlaSchema }),
    rules: z.array(RoutingRuleSchema),
  })
  .superRefine((f, ctx) => {
    const ids = new Map<string, number>();
    const regions = Object.keys(f.regions);
    const lines = f.productLines.map((p) => p.id);
    f.rules.forEach((r, i) => {
      if (ids.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `duplicate id (also rules[${ids.get(r.id)}])`,
        });
      ids.set(r.id, i);
      for (const [j, region] of (r.when.region ?? []).entries())
        if (!regions.includes(region))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'when', 'region', j],
            message: `unknown region "${region}" (regions: ${regions.join(', ') || 'none'})`,
          });
      for (const [j, line] of (r.when.productLine ?? []).entries())
        if (!lines.includes(line))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'when', 'productLine', j],
            message: `unknown product line "${line}" (productLines: ${lines.join(', ') || 'none'})`,
          });
    });
  });
export type RoutingFile = z.infer<typeof RoutingFileSchema>;
export type RoutingFileInput = z.input<typeof RoutingFileSchema>;

/** Both files, validated and cross-checked: everything routing needs. */
export interface RoutingSetup {
  readonly routing: RoutingFile;
  readonly teams: Teams;
  /** `<routing version>+<team version>`: stored on every Route as `routingVersion`. */
  readonly version: string;
}

/** Thrown by the loaders; `issues` lists every problem as `<file>: <path>: <message>`. */
export class RoutingValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid routing configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'RoutingValidationError';
  }
}

const formatPath = namedPath;

function issuesOf(error: z.ZodError, raw: unknown, file: string): string[] {
  return error.issues.map((issue) => {
    const message =
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
    return `${file}: ${formatPath(issue.path, raw)}: ${message}`;
  });
}

function yamlOf(text: string, file: string): unknown {
  try {
    return parseYamlText(text, { prettyErrors: true });
  } catch (err) {
    throw new RoutingValidationError([`${file}: YAML: ${(err as Error).message}`]);
  }
}

/**
 * Validates a parsed routing file and team file together. Throws `RoutingValidationError` with every
 * problem of both files, then every dangling reference (a rule's team or owner that team.yaml lacks).
 */
export function parseRoutingSetup(routingRaw: unknown, teamRaw: unknown): RoutingSetup {
  const r = RoutingFileSchema.safeParse(routingRaw, PARSE_ONCE);
  const t = TeamFileSchema.safeParse(teamRaw, PARSE_ONCE);
  const issues = [
    ...(r.success ? [] : issuesOf(r.error, routingRaw, 'routing')),
    ...(t.success ? [] : issuesOf(t.error, teamRaw, 'team')),
  ];
  if (!r.success || !t.success) throw new RoutingValidationError(issues);
  const routing = r.data;
  const teamFile: TeamFile = t.data;
  const teamIds = teamFile.teams.map((x) => x.id);
  const peopleIds = teamFile.people.map((x) => x.id);
  const checkTarget = (target: { team?: string; owner?: string }, path: string) => {
    if (target.team !== undefined && !teamIds.includes(target.team))
      issues.push(`routing: ${path}.team: unknown team "${target.team}" (teams: ${teamIds.join(', ')})`);
    if (target.owner !== undefined && !peopleIds.includes(target.owner))
      issues.push(
        `routing: ${path}.owner: unknown person "${target.owner}" (people: ${peopleIds.join(', ')})`,
      );
  };
  for (const [i, rule] of routing.rules.entries()) checkTarget(rule.to, `rules[${i}] (${rule.id}).to`);
  checkTarget(routing.fallback, 'fallback');
  checkTarget(routing.nurture, 'nurture');
  if (issues.length > 0) throw new RoutingValidationError(issues);
  const teams = resolveTeams(teamFile);
  return { routing, teams, version: `${routing.version}+${teams.version}` };
}

/** Parses and validates the YAML text of both files. Throws `RoutingValidationError`. */
export function loadRoutingSetup(routingYaml: string, teamYaml: string): RoutingSetup {
  return parseRoutingSetup(yamlOf(routingYaml, 'routing'), yamlOf(teamYaml, 'team'));
}

/** Tier order for the threshold: cold < warm < hot. */
export const tierRank = (tier: Tier): number => TIERS.indexOf(tier);
