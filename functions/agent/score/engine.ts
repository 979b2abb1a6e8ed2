/**
 * The scoring engine: compiles a validated rules file once into plain closures, then scores Facts into the
 * `Score` contract (functions/agent/qualification.ts). Pure and deterministic: no I/O, no clock (`now` is
 * passed in and only stamps `scoredAt`).
 *
 * How points become a score, per lead:
 *   1. Every rule is evaluated against the facts (the ledger lists every rule, fired or not).
 *   2. A fired rule with `decay` has its points multiplied by the decay factor of its age fact
 *      (`halfLifeDays`: 0.5^(age/halfLife); `{ afterDays, factor }`: × factor once age > afterDays) and
 *      rounded to a whole number. Ages that are unknown (null) do not decay.
 *   3. Per axis, positive points are counted in file order until the axis cap is reached (the rule that
 *      crosses the cap gets the remainder, later ones 0, each with a note); negative points always count.
 *      The axis score is the sum of its awarded points (it can be negative).
 *   4. total = fit + intent + engagement, floored at 0. When the floor applies, a synthetic ledger line
 *      `total-floor` (on the most negative axis, outside the axis scores) awards the difference, so the
 *      ledger's awarded points ALWAYS sum exactly to the total.
 *   5. tier from the file's ranges; quadrant from intent × engagement against the file's thresholds
 *      (high/high act_now, high intent/low engagement proactive_outreach, low intent/high
 *      engagement nurture, low/low monitor).
 */
import type { Axis, LedgerEntry, Quadrant, Score, Tier } from '../qualification';
import { type CustomFactRef, customFactName, isCustomFactRef } from './custom-facts';
import { FACT_KINDS, type FactEvidence, type FactName, type LeadFacts } from './facts';
import { type Condition, conditionFacts, inferAgeFact, type Rule, type RulesFile } from './rules';

type Predicate = (f: LeadFacts) => boolean;

export interface CompiledRule {
  readonly rule: Rule;
  readonly test: Predicate;
  /** Facts the condition looks at (reported as `observed`). */
  readonly facts: readonly (FactName | CustomFactRef)[];
  readonly ageFact: FactName | null;
  readonly decay: ((ageDays: number) => number) | null;
}

export interface CompiledRules {
  readonly file: RulesFile;
  readonly rules: readonly CompiledRule[];
  /** `<file version>+<8 hex content hash>`, stored with every score. */
  readonly rulesVersion: string;
}

export const FLOOR_RULE_ID = 'total-floor';

// --- compile ------------------------------------------------------------------------------------------

function compileCondition(c: Condition): Predicate {
  if (c.all) {
    const parts = c.all.map(compileCondition);
    if (parts.length === 1) return parts[0]!;
    return (f) => {
      for (const p of parts) if (!p(f)) return false;
      return true;
    };
  }
  if (c.any) {
    const parts = c.any.map(compileCondition);
    if (parts.length === 1) return parts[0]!;
    return (f) => {
      for (const p of parts) if (p(f)) return true;
      return false;
    };
  }
  if (c.not) {
    const inner = compileCondition(c.not);
    return (f) => !inner(f);
  }
  if (c.fact !== undefined && isCustomFactRef(c.fact)) return compileCustomLeaf(c, customFactName(c.fact));
  const fact = c.fact as FactName;
  if (c.equals !== undefined) {
    const v = c.equals;
    return (f) => f[fact] === v;
  }
  if (c.in !== undefined) {
    const set = new Set<unknown>(c.in);
    return (f) => set.has(f[fact]);
  }
  if (c.between !== undefined) {
    const lo = c.between[0] ?? Number.NEGATIVE_INFINITY;
    const hi = c.between[1] ?? Number.POSITIVE_INFINITY;
    return (f) => {
      const v = f[fact] as number | null;
      return v !== null && v >= lo && v <= hi;
    };
  }
  if (c.gte !== undefined) {
    const x = c.gte;
    return (f) => {
      const v = f[fact] as number | null;
      return v !== null && v >= x;
    };
  }
  if (c.lte !== undefined) {
    const x = c.lte;
    return (f) => {
      const v = f[fact] as number | null;
      return v !== null && v <= x;
    };
  }
  if (c.gt !== undefined) {
    const x = c.gt;
    return (f) => {
      const v = f[fact] as number | null;
      return v !== null && v > x;
    };
  }
  if (c.lt !== undefined) {
    const x = c.lt;
    return (f) => {
      const v = f[fact] as number | null;
      return v !== null && v < x;
    };
  }
  if (c.isTrue) return (f) => f[fact] === true;
  if (c.isFalse) return (f) => f[fact] === false;
  if (c.exists !== undefined) {
    const want = c.exists;
    return (f) => (f[fact] !== null) === want;
  }
  if (c.contains !== undefined) {
    const x = c.contains;
    return (f) => (f[fact] as string[]).includes(x);
  }
  // Unreachable for validated rules (the schema demands exactly one operator).
  throw new Error(`condition on ${String(fact)} has no operator`);
}

const lower = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/**
 * A leaf on a custom fact (`custom.<name>`): a missing value (null or absent) only satisfies
 * `exists: false`; strings compare ignoring case.
 */
function compileCustomLeaf(c: Condition, name: string): Predicate {
  const get = (f: LeadFacts) => f.custom?.[name] ?? null;
  if (c.equals !== undefined) {
    const want = lower(c.equals);
    return (f) => lower(get(f)) === want;
  }
  if (c.in !== undefined) {
    const set = new Set(c.in.map(lower));
    return (f) => {
      const v = get(f);
      return v !== null && set.has(lower(v));
    };
  }
  if (c.exists !== undefined) {
    const want = c.exists;
    return (f) => (get(f) !== null) === want;
  }
  if (c.isTrue) return (f) => get(f) === true;
  if (c.isFalse) return (f) => get(f) === false;
  const test = numberTest(c);
  return (f) => {
    const v = get(f);
    return typeof v === 'number' && test(v);
  };
}

function numberTest(c: Condition): (v: number) => boolean {
  if (c.between !== undefined) {
    const lo = c.between[0] ?? Number.NEGATIVE_INFINITY;
    const hi = c.between[1] ?? Number.POSITIVE_INFINITY;
    return (v) => v >= lo && v <= hi;
  }
  const { gte, lte, gt, lt } = c;
  if (gte !== undefined) return (v) => v >= gte;
  if (lte !== undefined) return (v) => v <= lte;
  if (gt !== undefined) return (v) => v > gt;
  if (lt !== undefined) return (v) => v < lt;
  // Unreachable for validated rules (`contains` never suits a custom fact).
  return () => false;
}

function compileDecay(rule: Rule): ((age: number) => number) | null {
  const d = rule.decay;
  if (!d) return null;
  if (d.halfLifeDays !== undefined) {
    const h = d.halfLifeDays;
    return (age) => 0.5 ** (age / h);
  }
  const after = d.afterDays!;
  const factor = d.factor!;
  return (age) => (age > after ? factor : 1);
}

/** FNV-1a 32-bit: a short, dependency-free content hash for the rules version. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const compiledCache = new WeakMap<RulesFile, CompiledRules>();

/** Compile a validated rules file once; reuse the result for every lead. Cached per file object. */
export function compileRules(file: RulesFile): CompiledRules {
  const cached = compiledCache.get(file);
  if (cached) return cached;
  const rules = file.rules.map((rule): CompiledRule => {
    const ageFact = rule.decay ? (rule.decay.ageFact ?? inferAgeFact(rule.when)) : null;
    if (ageFact && FACT_KINDS[ageFact].kind !== 'number') throw new Error(`rule ${rule.id}: bad ageFact`);
    return {
      rule,
      test: compileCondition(rule.when),
      facts: conditionFacts(rule.when),
      ageFact,
      decay: compileDecay(rule),
    };
  });
  const compiled: CompiledRules = {
    file,
    rules,
    rulesVersion: `${file.version}+${fnv1a(JSON.stringify(file))}`,
  };
  compiledCache.set(file, compiled);
  return compiled;
}

function isCompiled(r: RulesFile | CompiledRules): r is CompiledRules {
  return 'file' in r && 'rulesVersion' in r;
}

/** Ids of the rules whose condition holds for these facts, in file order (no decay or caps involved). */
export function firedRuleIds(rules: RulesFile | CompiledRules, facts: LeadFacts): string[] {
  const c = isCompiled(rules) ? rules : compileRules(rules);
  const out: string[] = [];
  for (const r of c.rules) if (r.test(facts)) out.push(r.rule.id);
  return out;
}

// --- score --------------------------------------------------------------------------------------------

export interface ScoreOptions {
  /** Ledger reasons in this language when the rule has one (`reasonNl`); default English. */
  language?: 'en' | 'nl';
  /** Where each fact came from, with the prospect's words: shown on the fired rules' ledger lines. */
  evidence?: FactEvidence;
}

function factValue(facts: LeadFacts, name: FactName | CustomFactRef): unknown {
  if (isCustomFactRef(name)) return facts.custom?.[customFactName(name)] ?? null;
  return facts[name];
}

function observedOf(r: CompiledRule, facts: LeadFacts): unknown {
  if (r.facts.length === 1) return factValue(facts, r.facts[0]!);
  const o: Record<string, unknown> = {};
  for (const k of r.facts) o[k] = factValue(facts, k);
  return o;
}

function evidenceFor(r: CompiledRule, evidence: FactEvidence): LedgerEntry['evidence'] {
  for (const name of r.facts) {
    if (isCustomFactRef(name)) continue;
    const found = evidence[name];
    if (found)
      return {
        source: found.source,
        ...(found.quote ? { quote: found.quote } : {}),
        ...(found.at ? { at: found.at } : {}),
        ...(found.url ? { url: found.url } : {}),
      };
  }
  return undefined;
}

function tierOf(total: number, tiers: RulesFile['tiers']): Tier {
  if (total >= tiers.hot[0]) return 'hot';
  if (total >= tiers.warm[0]) return 'warm';
  return 'cold';
}

/** The intent × engagement matrix: intent on one axis, engagement on the other. */
export function quadrantOf(intent: number, engagement: number, q: RulesFile['quadrant']): Quadrant {
  const hi = intent >= q.intentHigh;
  const he = engagement >= q.engagementHigh;
  if (hi && he) return 'act_now';
  if (hi) return 'proactive_outreach';
  if (he) return 'nurture';
  return 'monitor';
}

/**
 * Score one lead's facts. `rules` may be a validated file (compiled once and cached) or `compileRules`'s
 * result. Pure: the same facts, rules and `now` always give the same Score.
 */
export function scoreLead(
  facts: LeadFacts,
  rules: RulesFile | CompiledRules,
  now: Date,
  options: ScoreOptions = {},
): Score {
  const c = isCompiled(rules) ? rules : compileRules(rules);
  const { axes, tiers, quadrant } = c.file;
  const remaining: Record<Axis, number> = {
    fit: axes.fit.cap ?? Number.POSITIVE_INFINITY,
    intent: axes.intent.cap ?? Number.POSITIVE_INFINITY,
    engagement: axes.engagement.cap ?? Number.POSITIVE_INFINITY,
  };
  const sums: Record<Axis, number> = { fit: 0, intent: 0, engagement: 0 };
  const nl = options.language === 'nl';
  const ledger: LedgerEntry[] = new Array(c.rules.length);

  for (let i = 0; i < c.rules.length; i++) {
    const r = c.rules[i]!;
    const rule = r.rule;
    const fired = r.test(facts);
    const entry: LedgerEntry = {
      ruleId: rule.id,
      axis: rule.axis,
      reason: nl && rule.reasonNl ? rule.reasonNl : rule.reason,
      fired,
      points: rule.points,
      awarded: 0,
      observed: observedOf(r, facts),
    };
    if (fired) {
      let pts = rule.points;
      const notes: string[] = [];
      if (r.decay && r.ageFact) {
        const age = facts[r.ageFact] as number | null;
        if (age !== null) {
          const factor = r.decay(age);
          if (factor < 1) {
            pts = Math.round(rule.points * factor) + 0; // + 0 turns -0 into 0
            notes.push(`decayed ${Math.round((1 - factor) * 100)}% (${age} days old)`);
          }
        }
      }
      if (pts > 0) {
        const left = remaining[rule.axis];
        if (pts > left) {
          notes.push(`axis cap ${axes[rule.axis].cap} reached`);
          pts = left;
        }
        remaining[rule.axis] = left - pts;
      }
      entry.awarded = pts;
      sums[rule.axis] += pts;
      const evidence = options.evidence ? evidenceFor(r, options.evidence) : undefined;
      if (evidence) entry.evidence = evidence;
      if (pts !== rule.points) entry.note = notes.join('; ');
    }
    ledger[i] = entry;
  }

  const sum = sums.fit + sums.intent + sums.engagement;
  let total = sum;
  if (sum < 0) {
    total = 0;
    const worst = (['fit', 'intent', 'engagement'] as const).reduce((a, b) => (sums[b] < sums[a] ? b : a));
    ledger.push({
      ruleId: FLOOR_RULE_ID,
      axis: worst,
      reason: nl ? 'Totaal kan niet onder 0' : 'Total cannot go below 0',
      fired: true,
      points: 0,
      awarded: -sum,
      observed: sum,
      note: `total ${sum} floored at 0 (not part of the ${worst} score)`,
    });
  }

  return {
    fit: sums.fit,
    intent: sums.intent,
    engagement: sums.engagement,
    total,
    tier: tierOf(total, tiers),
    quadrant: quadrantOf(sums.intent, sums.engagement, quadrant),
    dataConfidence: Math.min(1, Math.max(0, facts.dataConfidence)),
    bant: {
      budget: facts.hasBudget,
      authority: facts.hasAuthority,
      need: facts.hasNeed,
      timing: facts.hasTimeline,
    },
    ledger,
    rulesVersion: c.rulesVersion,
    scoredAt: now.toISOString(),
  };
}
