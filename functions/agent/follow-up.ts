/**
 * The follow-up settings (`config/follow-up.yaml`): what a missed first-contact SLA does, per team, and when old
 * leads are re-qualified by the daily job. Validated on load; a bad file names the field. Pure: no I/O.
 */

import * as z from 'zod';
import { PARSE_ONCE } from './parse-once';
import { parseYamlText } from './yaml-text';

export const SLA_ACTIONS = ['alert_manager', 'reassign', 'none'] as const;
export type SlaAction = (typeof SLA_ACTIONS)[number];

const ID = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a team.yaml id (kebab-case)' });

const SlaRuleSchema = z.strictObject({
  action: z.enum(SLA_ACTIONS).meta({
    description:
      'alert_manager: email the team manager once; reassign: hand the lead to the next available rep of the team (load moves along); none: nothing.',
  }),
  manager: ID.optional().meta({ description: "Who gets the alert; default the team's fallbackOwner." }),
});

export const FollowUpFileSchema = z.strictObject({
  version: z.string().min(1),
  sla: z.strictObject({
    default: SlaRuleSchema,
    teams: z.record(ID, SlaRuleSchema).default({}).meta({ description: 'Per team id, over the default.' }),
    lookbackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72)
      .meta({
        description: 'Breaches older than this are left alone (the scheduled job looks this far back).',
      }),
  }),
  requalify: z.strictObject({
    recycleLostAfterDays: z.number().int().min(1).max(3650).nullable().default(180).meta({
      description: 'A lead closed lost (not disqualified) this long ago goes back to nurture (null: never).',
    }),
    requalifyAfterDays: z.number().int().min(1).max(3650).nullable().default(90).meta({
      description:
        'A nurtured lead whose enrichment is this old is enriched afresh (tools run again, cache bypassed) and re-scored (null: never).',
    }),
  }),
});
export type FollowUpFile = z.infer<typeof FollowUpFileSchema>;

export const parseFollowUp = (yamlText: string): FollowUpFile => {
  const parsed = FollowUpFileSchema.safeParse(parseYamlText(yamlText), PARSE_ONCE);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`follow-up: ${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
};

/** The SLA rule of a team (its own, else the default). */
export const slaRuleOf = (file: FollowUpFile, team: string | undefined) =>
  (team ? file.sla.teams[team] : undefined) ?? file.sla.default;
