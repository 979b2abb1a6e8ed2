/**
 * Translates our rules file into json-rules-engine (7.x) rules, for the scoring benchmark's baseline.
 * Same conditions, same facts: each of our rules becomes one JRE rule whose event type is the rule id.
 * JRE has no decay or caps; the baseline just sums the points of fired rules per axis.
 */
import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import type { Facts } from '../functions/agent/score/facts';
import type { Condition, RulesFile } from '../functions/agent/score/rules';

function leaf(fact: string, operator: string, value: unknown): NestedCondition {
  return { fact, operator, value } as NestedCondition;
}

export function toJreCondition(c: Condition): NestedCondition {
  if (c.all) return { all: c.all.map(toJreCondition) };
  if (c.any) return { any: c.any.map(toJreCondition) };
  if (c.not) return { not: toJreCondition(c.not) };
  const f = c.fact!;
  if (c.equals !== undefined) return leaf(f, 'equal', c.equals);
  if (c.in !== undefined) return leaf(f, 'in', c.in);
  if (c.between !== undefined) {
    const [lo, hi] = c.between;
    const parts: NestedCondition[] = [];
    if (lo !== null) parts.push(leaf(f, 'greaterThanInclusive', lo));
    if (hi !== null) parts.push(leaf(f, 'lessThanInclusive', hi));
    return { all: parts };
  }
  if (c.gte !== undefined) return leaf(f, 'greaterThanInclusive', c.gte);
  if (c.lte !== undefined) return leaf(f, 'lessThanInclusive', c.lte);
  if (c.gt !== undefined) return leaf(f, 'greaterThan', c.gt);
  if (c.lt !== undefined) return leaf(f, 'lessThan', c.lt);
  if (c.isTrue) return leaf(f, 'equal', true);
  if (c.isFalse) return leaf(f, 'equal', false);
  if (c.exists !== undefined) return leaf(f, c.exists ? 'notEqual' : 'equal', null);
  if (c.contains !== undefined) return leaf(f, 'contains', c.contains);
  throw new Error(`untranslatable condition on ${f}`);
}

function topLevel(c: Condition): TopLevelCondition {
  const n = toJreCondition(c);
  if ('all' in n || 'any' in n || 'not' in n) return n as TopLevelCondition;
  return { all: [n] };
}

export function buildJreEngine(rules: RulesFile): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const r of rules.rules) {
    engine.addRule({
      name: r.id,
      conditions: topLevel(r.when),
      event: { type: r.id, params: { axis: r.axis, points: r.points } },
    });
  }
  return engine;
}

export interface JreResult {
  fired: string[];
  fit: number;
  intent: number;
  engagement: number;
}

export async function scoreWithJre(engine: Engine, facts: Facts): Promise<JreResult> {
  const { events } = await engine.run({ ...facts });
  const out: JreResult = { fired: [], fit: 0, intent: 0, engagement: 0 };
  for (const e of events) {
    out.fired.push(e.type);
    const p = e.params as { axis: 'fit' | 'intent' | 'engagement'; points: number };
    out[p.axis] += p.points;
  }
  return out;
}
