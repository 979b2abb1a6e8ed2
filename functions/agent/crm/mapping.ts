/**
 * `config/crm-mapping.yaml`: how our facts become CRM properties, which CRM user each of our people is, which
 * pipeline and stage a lead lands in, and how the CRM's stages and statuses map back to our outcomes.
 * Validated at cold start; every problem is reported with its path in the file. Pure: no I/O.
 */

import * as z from 'zod';
import { namedPath } from '../config-path';
import { PARSE_ONCE } from '../parse-once';
import { TIERS } from '../qualification';
import { parseYamlText } from '../yaml-text';
import { OUTCOMES } from './types';

/** Our fields a mapping may name (see view.ts for what each one holds). */
export const FIELD_KEYS = [
  'lead.id',
  'lead.url',
  'lead.receivedAt',
  'lead.formType',
  'lead.language',
  'lead.source',
  'lead.utmSource',
  'lead.utmMedium',
  'lead.utmCampaign',
  'lead.disposition',
  'person.firstName',
  'person.lastName',
  'person.fullName',
  'person.email',
  'person.phone',
  'person.jobTitle',
  'company.name',
  'company.domain',
  'company.website',
  'company.country',
  'company.employees',
  'company.industry',
  'company.kvkNumber',
  'company.city',
  'company.technologies',
  'company.crm',
  'score.fit',
  'score.intent',
  'score.engagement',
  'score.total',
  'score.tier',
  'score.quadrant',
  'score.dataConfidence',
  'score.rulesVersion',
  'score.scoredAt',
  'score.topReasons',
  'route.kind',
  'route.ownerId',
  'route.team',
  'route.slaDueAt',
  'route.reason',
  'rationale.nextAction',
] as const;
export const FieldKeySchema = z.enum(FIELD_KEYS, {
  error: (issue) => `unknown field "${String(issue.input)}" (known: ${FIELD_KEYS.join(', ')})`,
});
export type FieldKey = (typeof FIELD_KEYS)[number];

const PropertyName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_]+$/, { error: 'expected a CRM property name / field key (letters, digits, _)' });
/** CRM property → our field. */
const PropertyMap = z
  .record(PropertyName, FieldKeySchema)
  .default({})
  .meta({ description: 'CRM property (or Pipedrive field key) → our field.' });
const OutcomeValue = z.enum(OUTCOMES, {
  error: (issue) => `unknown outcome "${String(issue.input)}" (known: ${OUTCOMES.join(', ')})`,
});
const TierMap = <T extends z.ZodType>(value: T) =>
  z.strictObject(Object.fromEntries(TIERS.map((t) => [t, value])) as Record<(typeof TIERS)[number], T>);
const Id = z.union([z.string().min(1).max(100), z.number().int().positive()]).transform(String);
const RouteKinds = z.array(z.enum(['owner', 'nurture'])).min(1);

const HubspotSchema = z.strictObject({
  /** Our person id (team.yaml) → HubSpot owner id. */
  owners: z.record(z.string(), Id).default({}),
  deal: z.strictObject({
    /** Route kinds that get a deal; the others get contact and company only. */
    createFor: RouteKinds.default(['owner']),
    pipeline: z.string().min(1).default('default'),
    stageByTier: TierMap(z.string().min(1)),
    /**
     * A deal property with unique values (create it in HubSpot as "Lead qualifier id", hasUniqueValue) that
     * holds our lead id: deals are upserted on it, so a redelivered sync never creates a second deal.
     */
    leadIdProperty: PropertyName.default('lq_lead_id'),
    /** Deal stage per outcome we record (pushed on trigger `outcome`); absent: not pushed. */
    stageByOutcome: z.partialRecord(OutcomeValue, z.string().min(1)).default({}),
    currency: z.string().length(3).optional(),
  }),
  contact: z
    .strictObject({
      /** `lifecyclestage` set per route kind (HubSpot only moves it forward). */
      lifecycleStageByRoute: z.partialRecord(z.enum(['owner', 'nurture']), z.string().min(1)).default({}),
      /** `hs_lead_status` set per route kind, on email sent and per outcome. */
      leadStatusByRoute: z.partialRecord(z.enum(['owner', 'nurture']), z.string().min(1)).default({}),
      leadStatusOnEmailSent: z.string().min(1).optional(),
      leadStatusByOutcome: z.partialRecord(OutcomeValue, z.string().min(1)).default({}),
    })
    .default({ lifecycleStageByRoute: {}, leadStatusByRoute: {}, leadStatusByOutcome: {} }),
  properties: z
    .strictObject({ company: PropertyMap, contact: PropertyMap, deal: PropertyMap })
    .default({ company: {}, contact: {}, deal: {} }),
  /** HUBSPOT_DEFINED association type ids (the defaults are HubSpot's documented ones). */
  associationTypes: z
    .strictObject({
      contactToCompany: z.number().int().positive().default(279),
      dealToContact: z.number().int().positive().default(3),
      dealToCompany: z.number().int().positive().default(341),
      noteToContact: z.number().int().positive().default(202),
      noteToCompany: z.number().int().positive().default(190),
      noteToDeal: z.number().int().positive().default(214),
      taskToContact: z.number().int().positive().default(204),
      taskToCompany: z.number().int().positive().default(192),
      taskToDeal: z.number().int().positive().default(216),
      emailToContact: z.number().int().positive().default(198),
      emailToCompany: z.number().int().positive().default(186),
      emailToDeal: z.number().int().positive().default(210),
    })
    .prefault({}),
  inbound: z
    .strictObject({
      lifecycleStages: z.record(z.string().min(1), OutcomeValue).default({}),
      leadStatuses: z.record(z.string().min(1), OutcomeValue).default({}),
      dealStages: z.record(z.string().min(1), OutcomeValue).default({}),
      /** Deal property with the reason a deal was lost. */
      lostReasonProperty: PropertyName.default('closed_lost_reason'),
    })
    .prefault({}),
});

const PipedriveSchema = z.strictObject({
  /** Our person id (team.yaml) → Pipedrive user id. */
  owners: z.record(z.string(), z.number().int().positive()).default({}),
  deal: z.strictObject({
    createFor: RouteKinds.default(['owner']),
    pipelineId: z.number().int().positive(),
    stageByTier: TierMap(z.number().int().positive()),
    stageByOutcome: z.partialRecord(OutcomeValue, z.number().int().positive()).default({}),
    currency: z.string().length(3).optional(),
  }),
  lead: z
    .strictObject({
      /** Route kinds that become a Pipedrive lead (Leads Inbox) instead of a deal; [] for none. */
      createFor: z.array(z.enum(['owner', 'nurture'])).default(['nurture']),
      labelIds: z.array(z.uuid({ error: 'expected a lead label id (UUID)' })).default([]),
    })
    .prefault({}),
  /**
   * An organization custom field (its 40-character key) holding the company's domain: organizations are
   * searched on it before one is created.
   */
  organizationDomainField: z.string().regex(/^[a-f0-9]{40}$/, { error: 'expected a 40-character field key' }),
  fields: z
    .strictObject({ organization: PropertyMap, person: PropertyMap, deal: PropertyMap })
    .default({ organization: {}, person: {}, deal: {} }),
  /** Activity types (their `key_string`) for the owner's task and for the logged first email. */
  taskActivityType: z.string().min(1).default('task'),
  emailActivityType: z.string().min(1).default('email'),
  inbound: z
    .strictObject({
      /** A stage a deal moved to (stage id) → outcome. Won/lost come from the deal's status. */
      dealStages: z.record(z.string().regex(/^\d+$/), OutcomeValue).default({}),
      /** A Pipedrive lead we created that became a deal. */
      leadConverted: OutcomeValue.default('contacted'),
    })
    .prefault({}),
});

export const CrmMappingFileSchema = z.strictObject({
  version: z.string().min(1),
  /** Language of the notes and tasks reps read in the CRM. */
  language: z.enum(['nl', 'en']).default('en'),
  hubspot: HubspotSchema.optional(),
  pipedrive: PipedriveSchema.optional(),
});
export type CrmMapping = z.infer<typeof CrmMappingFileSchema>;
export type HubspotMapping = NonNullable<CrmMapping['hubspot']>;
export type PipedriveMapping = NonNullable<CrmMapping['pipedrive']>;

export class CrmMappingError extends Error {
  override readonly name = 'CrmMappingError';
  constructor(readonly issues: string[]) {
    super(`Invalid CRM mapping (config/crm-mapping.yaml):\n  ${issues.join('\n  ')}`);
  }
}

/**
 * Validates a parsed mapping. `crm` is the configured CRM (its section must be there); `people` are the
 * person ids of team.yaml (every owner mapping must name one of them).
 */
export const parseCrmMapping = (
  raw: unknown,
  options: { crm?: 'hubspot' | 'pipedrive' | 'none'; people?: readonly string[] } = {},
): CrmMapping => {
  const result = CrmMappingFileSchema.safeParse(raw, PARSE_ONCE);
  if (!result.success) {
    throw new CrmMappingError(
      result.error.issues.map((issue) => {
        const message =
          issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
        return `${namedPath(issue.path, raw)}: ${message}`;
      }),
    );
  }
  const mapping = result.data;
  const issues: string[] = [];
  if (options.crm === 'hubspot' && !mapping.hubspot) issues.push('hubspot: required when CRM=hubspot');
  if (options.crm === 'pipedrive' && !mapping.pipedrive)
    issues.push('pipedrive: required when CRM=pipedrive');
  if (options.people) {
    const known = new Set(options.people);
    for (const section of ['hubspot', 'pipedrive'] as const) {
      for (const person of Object.keys(mapping[section]?.owners ?? {})) {
        if (!known.has(person))
          issues.push(
            `${section}.owners.${person}: unknown person (team.yaml people: ${[...known].join(', ')})`,
          );
      }
    }
  }
  if (issues.length) throw new CrmMappingError(issues);
  return mapping;
};

export const parseCrmMappingYaml = (
  text: string,
  options?: Parameters<typeof parseCrmMapping>[1],
): CrmMapping => {
  let raw: unknown;
  try {
    raw = parseYamlText(text, { prettyErrors: true });
  } catch (error) {
    throw new CrmMappingError([`YAML: ${(error as Error).message}`]);
  }
  return parseCrmMapping(raw, options);
};

/** JSON Schema of the file, for editors (`# yaml-language-server: $schema=./crm-mapping.schema.json`). */
export const crmMappingJsonSchema = (): Record<string, unknown> => ({
  ...(z.toJSONSchema(CrmMappingFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >),
  title: 'CRM mapping',
  description:
    'config/crm-mapping.yaml — generated by functions/agent/crm/mapping-schema.ts; do not edit by hand.',
});
