/**
 * The scoring rules file (`config/scoring-rules.yaml`): its zod schema (`RulesFileSchema`, from which
 * `scripts/generate-rules-schema.ts` generates `config/scoring-rules.schema.json` for editors) and
 * `loadRules`, which parses YAML and validates it with error messages that name the rule and the field:
 *   rules[3] (office-hours).when.between: expected two numbers [min, max]
 * Pure: no I/O.
 */

import * as z from 'zod';
import { PARSE_ONCE } from '../parse-once';
import { parseYamlText } from '../yaml-text';
import {
  CUSTOM_FACT_KINDS,
  CUSTOM_FACT_NAME,
  type CustomFactDeclarations,
  type CustomFactRef,
  customFactName,
  isCustomFactRef,
} from './custom-facts';
import { FACT_KINDS, FACT_NAMES, type FactKind, type FactName } from './facts';

const BuiltinFactNameSchema = z.enum(FACT_NAMES, {
  error: (iss) => `unknown fact ${JSON.stringify(iss.input)} (see functions/agent/score/facts.ts)`,
});
const CustomFactRefSchema = z
  .custom<CustomFactRef>((v) => typeof v === 'string' && isCustomFactRef(v))
  .meta({ type: 'string', pattern: `^custom\\.[A-Za-z][A-Za-z0-9_]*$` });
/** A built-in fact (facts.ts) or `custom.<name>` declared under `customFacts`. */
const FactNameSchema = z.union([BuiltinFactNameSchema, CustomFactRefSchema], {
  error: (iss) =>
    `unknown fact ${JSON.stringify(iss.input)} (see functions/agent/score/facts.ts, or declare it under customFacts and write custom.<name>)`,
});
const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Bound = z.number().nullable();

/** The value operators a leaf condition can use; exactly one per leaf. */
export const OPERATORS = [
  'equals',
  'in',
  'between',
  'gte',
  'lte',
  'gt',
  'lt',
  'isTrue',
  'isFalse',
  'exists',
  'contains',
] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * A condition on facts: either a leaf `{ fact, <one operator> }` or one combinator `all` / `any` / `not`.
 * One object shape (rather than a union) so validation errors point at the field, not "invalid union".
 */
export interface Condition {
  fact?: FactName | CustomFactRef;
  equals?: string | number | boolean;
  in?: Array<string | number | boolean>;
  between?: [number | null, number | null];
  gte?: number;
  lte?: number;
  gt?: number;
  lt?: number;
  isTrue?: true;
  isFalse?: true;
  exists?: boolean;
  contains?: string;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

export const ConditionSchema: z.ZodType<Condition> = z
  .strictObject({
    fact: FactNameSchema.optional().meta({ description: 'The fact this leaf condition looks at.' }),
    equals: Scalar.optional(),
    in: z.array(Scalar).min(1, { error: 'expected a non-empty list' }).optional(),
    between: z
      .tuple([Bound, Bound], { error: 'expected two numbers [min, max] (null for open)' })
      .optional()
      .meta({ description: 'Inclusive range [min, max]; null leaves a side open.' }),
    gte: z.number({ error: 'expected a number' }).optional(),
    lte: z.number({ error: 'expected a number' }).optional(),
    gt: z.number({ error: 'expected a number' }).optional(),
    lt: z.number({ error: 'expected a number' }).optional(),
    isTrue: z.literal(true, { error: 'expected true' }).optional(),
    isFalse: z.literal(true, { error: 'expected true' }).optional(),
    exists: z.boolean({ error: 'expected true or false' }).optional(),
    contains: z.string({ error: 'expected a string' }).optional(),
    get all() {
      return z.array(ConditionSchema).min(1, { error: 'expected at least one condition' }).optional();
    },
    get any() {
      return z.array(ConditionSchema).min(1, { error: 'expected at least one condition' }).optional();
    },
    get not() {
      return ConditionSchema.optional();
    },
  })
  .superRefine((c, ctx) => {
    const ops = OPERATORS.filter((o) => c[o] !== undefined);
    const combinators = (['all', 'any', 'not'] as const).filter((k) => c[k] !== undefined);
    if (combinators.length > 0) {
      if (combinators.length > 1 || c.fact !== undefined || ops.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `use exactly one of all/any/not, without fact or operators (found ${[...combinators, ...(c.fact ? ['fact'] : []), ...ops].join(', ')})`,
        });
      return;
    }
    if (c.fact === undefined) {
      ctx.addIssue({ code: 'custom', path: ['fact'], message: 'missing: a leaf condition needs a fact' });
      return;
    }
    if (ops.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one operator (${OPERATORS.join(', ')}), found ${ops.length === 0 ? 'none' : ops.join(', ')}`,
      });
      return;
    }
    // Custom facts are checked against their declaration by the file (RulesFileSchema).
    if (isCustomFactRef(c.fact)) return;
    const op = ops[0]!;
    const problem = operatorProblem(c, op, c.fact, FACT_KINDS[c.fact].kind);
    if (problem) ctx.addIssue({ code: 'custom', path: [op], message: problem });
  });

/** Why an operator does not suit a fact of this kind (null when it does). */
function operatorProblem(c: Condition, op: Operator, fact: string, kind: FactKind): string | null {
  switch (op) {
    case 'between': {
      const [lo, hi] = c.between!;
      if (kind !== 'number') return `fact ${fact} is a ${kind}, between needs a number fact`;
      if (lo === null && hi === null) return 'expected at least one bound';
      if (lo !== null && hi !== null && lo > hi) return `min ${lo} is greater than max ${hi}`;
      return null;
    }
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt':
      return kind !== 'number' ? `fact ${fact} is a ${kind}, ${op} needs a number fact` : null;
    case 'isTrue':
    case 'isFalse':
      return kind !== 'boolean' ? `fact ${fact} is a ${kind}, ${op} needs a boolean fact` : null;
    case 'contains':
      return kind !== 'string[]' ? `fact ${fact} is a ${kind}, contains needs a list fact` : null;
    case 'equals':
      return matchesKind(c.equals!, kind) ? null : `expected a ${kind} for fact ${fact}`;
    case 'in':
      return c.in!.every((v) => matchesKind(v, kind)) ? null : `expected ${kind} values for fact ${fact}`;
    default:
      return null;
  }
}

function matchesKind(v: string | number | boolean, kind: string): boolean {
  if (kind === 'string[]') return false;
  return typeof v === kind;
}

export const DecaySchema = z
  .strictObject({
    halfLifeDays: z.number().positive({ error: 'expected a positive number of days' }).optional(),
    afterDays: z.number().nonnegative({ error: 'expected zero or more days' }).optional(),
    factor: z.number().min(0).max(1, { error: 'expected a factor between 0 and 1' }).optional(),
    ageFact: BuiltinFactNameSchema.optional().meta({
      description: 'Age fact (days) to decay by; inferred from the condition when omitted.',
    }),
  })
  .superRefine((d, ctx) => {
    const half = d.halfLifeDays !== undefined;
    const step = d.afterDays !== undefined || d.factor !== undefined;
    if (half === step)
      ctx.addIssue({ code: 'custom', message: 'expected either { halfLifeDays } or { afterDays, factor }' });
    else if (step && (d.afterDays === undefined || d.factor === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [d.afterDays === undefined ? 'afterDays' : 'factor'],
        message: 'afterDays and factor go together',
      });
    if (d.ageFact !== undefined && FACT_KINDS[d.ageFact].kind !== 'number')
      ctx.addIssue({
        code: 'custom',
        path: ['ageFact'],
        message: `fact ${d.ageFact} is not a number of days`,
      });
  });
export type Decay = z.infer<typeof DecaySchema>;

export const RuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected kebab-case: lower-case letters, digits and dashes' }),
    axis: z.enum(['fit', 'intent', 'engagement']),
    points: z.number().int({ error: 'expected a whole number (may be negative)' }),
    reason: z.string().min(1).meta({ description: 'What a salesperson reads, in English.' }),
    reasonNl: z.string().min(1).optional().meta({ description: 'The same reason in Dutch.' }),
    when: ConditionSchema,
    decay: DecaySchema.optional().meta({ description: 'Only for intent and engagement rules.' }),
  })
  .superRefine((r, ctx) => {
    if (!r.decay) return;
    if (r.axis === 'fit')
      ctx.addIssue({ code: 'custom', path: ['decay'], message: 'fit rules do not decay' });
    else if (!r.decay.ageFact && inferAgeFact(r.when) === null)
      ctx.addIssue({
        code: 'custom',
        path: ['decay', 'ageFact'],
        message: 'cannot infer which age to decay by from the condition; set ageFact',
      });
  });
export type Rule = z.infer<typeof RuleSchema>;

const Range = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative().nullable()], {
  error: 'expected [min, max] (max null for open-ended)',
});
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected HH:MM (24h)' });

export const SettingsSchema = z.strictObject({
  timeZone: z.string().default('Europe/Amsterdam').meta({ description: 'IANA zone for office hours.' }),
  timeZonesByCountry: z.record(z.string().regex(/^[A-Z]{2}$/), z.string()).optional(),
  officeHours: z
    .strictObject({
      days: z.array(z.number().int().min(1).max(7)).min(1).meta({ description: 'ISO weekdays, 1 = Monday.' }),
      start: HHMM,
      end: HHMM,
    })
    .default({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' }),
});

/** Contiguous whole-number ranges: cold starts at 0, each next tier starts right after, hot is open-ended. */
const TiersSchema = z.strictObject({ cold: Range, warm: Range, hot: Range }).superRefine((t, ctx) => {
  const { cold, warm, hot } = t;
  const tierIssue = (message: string, tier: string) =>
    ctx.addIssue({ code: 'custom', path: [tier], message });
  if (cold[0] !== 0) tierIssue('cold must start at 0', 'cold');
  if (cold[1] === null || warm[0] !== cold[1] + 1) tierIssue('warm must start right after cold ends', 'warm');
  if (warm[1] === null || hot[0] !== warm[1] + 1) tierIssue('hot must start right after warm ends', 'hot');
  if (hot[1] !== null) tierIssue('hot must be open-ended (null max)', 'hot');
});

const Cap = z.strictObject({ cap: z.number().int().positive().nullable() });

export const CustomFactDeclarationSchema = z.strictObject({
  kind: z.enum(CUSTOM_FACT_KINDS, { error: 'expected string, number or boolean' }),
  from: z
    .array(z.string().min(1))
    .min(1, { error: 'expected at least one source: utm.<key>, source.<key> or a field label / column' })
    .meta({
      description:
        'Where the value comes from, first present wins: utm.source|medium|campaign|term|content, source.formName|formId|pageUrl|referrer|provider, or a form field label (lead.extra) / history CSV column.',
    }),
  label: z.string().min(1).optional().meta({ description: 'Name used in reasons; default the first label.' }),
  missing: z
    .array(z.string())
    .optional()
    .meta({ description: 'More answers meaning "no answer" (besides empty, Select, n/a, …).' }),
});

const CustomFactsSchema = z
  .record(z.string().meta({ pattern: CUSTOM_FACT_NAME.source }), CustomFactDeclarationSchema)
  .superRefine((decls, ctx) => {
    for (const name of Object.keys(decls))
      if (!CUSTOM_FACT_NAME.test(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'expected a name that starts with a letter: letters, digits and underscores only',
        });
  })
  .meta({
    description:
      'Facts read from form fields, hidden fields, UTM values or history columns; conditions name them custom.<name>.',
  });

/** Every leaf condition in a rule with its path below the rule (`when`, `when.all[0]`, …). */
function leavesOf(c: Condition, path: PropertyKey[], out: [Condition, PropertyKey[]][] = []) {
  if (c.fact !== undefined) out.push([c, path]);
  c.all?.forEach((sub, i) => {
    leavesOf(sub, [...path, 'all', i], out);
  });
  c.any?.forEach((sub, i) => {
    leavesOf(sub, [...path, 'any', i], out);
  });
  if (c.not) leavesOf(c.not, [...path, 'not'], out);
  return out;
}

/** Custom-fact leaves must name a declared fact and use an operator that suits its kind. */
function checkCustomFactUse(
  rules: readonly Rule[],
  decls: CustomFactDeclarations,
  ctx: z.core.$RefinementCtx<unknown>,
) {
  rules.forEach((r, i) => {
    for (const [leaf, path] of leavesOf(r.when, ['rules', i, 'when'])) {
      const fact = leaf.fact!;
      if (!isCustomFactRef(fact)) continue;
      const name = customFactName(fact);
      const decl = Object.hasOwn(decls, name) ? decls[name] : undefined;
      if (!decl) {
        const known = Object.keys(decls);
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'fact'],
          message: `custom fact "${name}" is not declared under customFacts (${known.length ? `declared: ${known.join(', ')}` : 'none declared'})`,
        });
        continue;
      }
      const op = OPERATORS.find((o) => leaf[o] !== undefined);
      if (!op) continue;
      const problem = operatorProblem(leaf, op, fact, decl.kind);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, op], message: problem });
    }
  });
}

export const RulesFileSchema = z
  .strictObject({
    version: z.string().min(1).meta({ description: 'Bump on every change; stored with every score.' }),
    settings: SettingsSchema.default({
      timeZone: 'Europe/Amsterdam',
      officeHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' },
    }),
    axes: z.strictObject({ fit: Cap, intent: Cap, engagement: Cap }).meta({
      description: 'Cap on the positive points per axis (null: no cap); negative points always count.',
    }),
    tiers: TiersSchema,
    quadrant: z
      .strictObject({ intentHigh: z.number(), engagementHigh: z.number() })
      .meta({ description: 'Intent / engagement scores at or above which the axis counts as high.' }),
    customFacts: CustomFactsSchema.optional(),
    rules: z.array(RuleSchema).min(1),
  })
  .superRefine((f, ctx) => {
    checkCustomFactUse(f.rules, f.customFacts ?? {}, ctx);
    const seen = new Map<string, number>();
    f.rules.forEach((r, i) => {
      const prev = seen.get(r.id);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `duplicate id (also rules[${prev}])`,
        });
      seen.set(r.id, i);
    });
  });
export type RulesFile = z.infer<typeof RulesFileSchema>;
export type RulesFileInput = z.input<typeof RulesFileSchema>;

/** All facts a condition looks at, in order of first mention (custom facts as `custom.<name>`). */
export function conditionFacts(
  c: Condition,
  out: (FactName | CustomFactRef)[] = [],
): (FactName | CustomFactRef)[] {
  if (c.fact && !out.includes(c.fact)) out.push(c.fact);
  for (const sub of c.all ?? []) conditionFacts(sub, out);
  for (const sub of c.any ?? []) conditionFacts(sub, out);
  if (c.not) conditionFacts(c.not, out);
  return out;
}

/** The age fact a decaying rule uses when `ageFact` is omitted: the unique `*AgeDays` fact its condition names. */
export function inferAgeFact(c: Condition): FactName | null {
  const candidates = new Set<FactName>();
  for (const f of conditionFacts(c)) {
    if (isCustomFactRef(f)) continue;
    if (f.endsWith('AgeDays')) candidates.add(f);
    else if (`${f}AgeDays` in FACT_KINDS) candidates.add(`${f}AgeDays` as FactName);
  }
  return candidates.size === 1 ? [...candidates][0]! : null;
}

/** Thrown by `loadRules`; `issues` lists every problem as `path: message`. */
export class RulesValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid scoring rules:\n  ${issues.join('\n  ')}`);
    this.name = 'RulesValidationError';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>, raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      // Name the rule right after its index: rules[3] (office-hours)
      if (i === 1 && path[0] === 'rules' && node && typeof node === 'object' && 'id' in node)
        out += ` (${String((node as { id: unknown }).id)})`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
    }
  }
  return out || '(file)';
}

/** Validate an already-parsed object (e.g. from JSON or a test). Throws `RulesValidationError`. */
export function parseRules(raw: unknown): RulesFile {
  const result = RulesFileSchema.safeParse(raw, PARSE_ONCE);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    return `${formatPath(issue.path, raw)}: ${message}`;
  });
  throw new RulesValidationError(issues);
}

/** Parse and validate the YAML text of a rules file. Throws `RulesValidationError` with every problem. */
export function loadRules(yamlText: string): RulesFile {
  let raw: unknown;
  try {
    raw = parseYamlText(yamlText, { prettyErrors: true });
  } catch (err) {
    throw new RulesValidationError([`YAML: ${(err as Error).message}`]);
  }
  return parseRules(raw);
}
