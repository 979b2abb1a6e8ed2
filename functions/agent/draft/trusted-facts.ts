/**
 * Facts derived from the trusted inputs (ledger, score, route, enrichment), shared by the template writer,
 * the prompt and the guardrails.
 */
import type { Enrichment } from '../enrichment';
import type { Language } from '../lead';
import type { Axis, Bant, LedgerEntry, Quadrant, Score, Tier } from '../qualification';
import { DEFAULT_TIME_ZONE, localDue } from './local-time';
import { round1, signed } from './text';
import type { DraftingInput } from './types';

export const AXIS_LABEL: Record<Language, Record<Axis, string>> = {
  en: { fit: 'Fit', intent: 'Intent', engagement: 'Engagement' },
  nl: { fit: 'Fit', intent: 'Intentie', engagement: 'Betrokkenheid' },
};

export const TIER_LABEL: Record<Language, Record<Tier, string>> = {
  en: { cold: 'cold', warm: 'warm', hot: 'hot' },
  nl: { cold: 'koud', warm: 'warm', hot: 'heet' },
};

export const QUADRANT_LABEL: Record<Language, Record<Quadrant, string>> = {
  en: {
    act_now: 'act now',
    proactive_outreach: 'proactive outreach',
    nurture: 'nurture',
    monitor: 'monitor',
  },
  nl: {
    act_now: 'nu handelen',
    proactive_outreach: 'proactief benaderen',
    nurture: 'nurture',
    monitor: 'monitoren',
  },
};

const BANT_KEYS = ['budget', 'authority', 'need', 'timing'] as const satisfies readonly (keyof Bant)[];

export function missingBant(score: Score): (keyof Bant)[] {
  return BANT_KEYS.filter((k) => !score.bant[k]);
}

export const BANT_QUESTION: Record<Language, Record<keyof Bant, string>> = {
  en: {
    budget: 'Is there a budget for this, and roughly in what range?',
    authority: 'Who else is involved in the decision, and who signs off?',
    need: 'What problem are you trying to solve, and what happens if nothing changes?',
    timing: 'By when do you want a solution in place, and what drives that date?',
  },
  nl: {
    budget: 'Is er budget voor, en ongeveer in welke orde van grootte?',
    authority: 'Wie zijn er nog meer bij de beslissing betrokken, en wie tekent?',
    need: 'Welk probleem wilt u oplossen, en wat gebeurt er als er niets verandert?',
    timing: 'Wanneer wilt u een oplossing hebben draaien, en waarom dan?',
  },
};

export const BANT_CONFIRM: Record<Language, string> = {
  en: 'BANT is complete: confirm the decision process and agree on a concrete next step.',
  nl: 'BANT is compleet: bevestig het beslisproces en spreek een concrete vervolgstap af.',
};

export function firedLines(score: Score, axis: Axis): LedgerEntry[] {
  return score.ledger.filter((e) => e.fired && e.axis === axis);
}

/** "10–200 employees (+20)", with the configured points when decay or a cap changed them. */
export function ledgerLine(e: LedgerEntry): string {
  const awarded = round1(e.awarded);
  const configured = round1(e.points);
  const extra =
    awarded !== configured ? `, ${signed(configured)} configured${e.note ? `: ${e.note}` : ''}` : '';
  return `${e.reason} (${signed(awarded)}${extra})`;
}

export function axisSummary(score: Score, axis: Axis, lang: Language): string {
  const lines = firedLines(score, axis);
  const label = `${AXIS_LABEL[lang][axis]} ${round1(score[axis])}`;
  if (lines.length === 0) return `${label}: ${lang === 'nl' ? 'geen regels geraakt' : 'no rules fired'}`;
  return `${label}: ${lines.map(ledgerLine).join(', ')}`;
}

/** Key enrichment facts as short phrases (no free text from the lead's website). */
export function enrichmentFacts(
  enrichment: Enrichment,
  lead: DraftingInput['lead'],
  lang: Language,
): string[] {
  const nl = lang === 'nl';
  const facts: string[] = [];
  const reg = enrichment.registry;
  if (reg?.employees !== undefined)
    facts.push(
      `${reg.employees} ${nl ? 'medewerkers' : 'employees'} (${reg.source === 'kvk' ? 'KvK' : 'registry'})`,
    );
  else if (lead.company.employees !== undefined)
    facts.push(
      `${lead.company.employees} ${nl ? 'medewerkers (volgens formulier)' : 'employees (as stated on the form)'}`,
    );
  if (reg) facts.push(`${nl ? 'branche' : 'industry'} ${reg.industry}`);
  if (enrichment.geo.country) facts.push(`${nl ? 'land' : 'country'} ${enrichment.geo.country}`);
  const crm = enrichment.website?.crm ?? [];
  if (crm.length > 0) facts.push(`CRM ${crm.slice(0, 3).join(', ')}`);
  if (enrichment.email) {
    if (enrichment.email.freeMail) facts.push(nl ? 'gratis e-maildomein' : 'free mail domain');
    else if (enrichment.email.businessDomain)
      facts.push(nl ? 'zakelijk e-maildomein' : 'business email domain');
    if (enrichment.email.disposable) facts.push(nl ? 'wegwerpadres' : 'disposable address');
  }
  const signals = enrichment.intent?.signals ?? [];
  if (signals.length > 0) {
    const types = [...new Set(signals.map((s) => s.type))].join(', ');
    facts.push(`${nl ? 'intentiesignalen' : 'intent signals'}: ${types}`);
  }
  facts.push(`${nl ? 'databetrouwbaarheid' : 'data confidence'} ${Math.round(enrichment.confidence * 100)}%`);
  return facts;
}

function addNumbersFrom(value: unknown, into: Set<number>, depth = 0): void {
  if (depth > 6 || value === null || value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value)) {
    addNumber(value, into);
  } else if (typeof value === 'string') {
    for (const m of value.matchAll(/\d+(?:[.,]\d+)*/g))
      for (const n of numberReadings(m[0])) addNumber(n, into);
  } else if (Array.isArray(value)) {
    for (const v of value.slice(0, 200)) addNumbersFrom(v, into, depth + 1);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) addNumbersFrom(v, into, depth + 1);
  }
}

function addNumber(n: number, into: Set<number>): void {
  into.add(round1(Math.abs(n)));
  into.add(Math.round(Math.abs(n)));
  if (Math.abs(n) <= 1) into.add(Math.round(Math.abs(n) * 100)); // 0.85 ↔ 85%
}

/**
 * The values a numeric token may stand for: "1.200" → 1200 and 1.2; "0,85" → 0.85; "45" → 45. Separators
 * are read as thousands only in a well-formed grouping ("12.500", not "05.000" from a timestamp).
 */
export function numberReadings(token: string): number[] {
  const out = new Set<number>();
  if (/^[1-9]\d{0,2}(?:[.,]\d{3})+$/.test(token)) out.add(Number(token.replace(/[.,]/g, '')));
  const decimal = token.match(/^\d+(?:[.,]\d+)?$/) ? Number(token.replace(',', '.')) : Number.NaN;
  if (Number.isFinite(decimal)) out.add(round1(decimal));
  // Any other shape ("1.2.3"): its digit groups one by one.
  if (out.size === 0) for (const g of token.split(/[.,]/)) if (g) out.add(Number(g));
  return [...out];
}

/**
 * Every figure the rationale may cite: points and observed values of the ledger, the axis scores and
 * total, confidence (also as a percentage), the route's wording, the trusted enrichment (all of it:
 * employees, founding year, signal dates, …) and the employee count the form stated; plus 0–4, which
 * counts (of BANT items, rules, hours of SLA) need.
 */
export function allowedFigures(
  input: Pick<DraftingInput, 'score' | 'route' | 'enrichment' | 'lead' | 'timeZone'>,
): Set<number> {
  const set = new Set<number>([0, 1, 2, 3, 4]);
  const { score, route, enrichment, lead } = input;
  for (const n of [score.fit, score.intent, score.engagement, score.total, score.dataConfidence])
    addNumber(n, set);
  for (const e of score.ledger) {
    addNumber(e.points, set);
    addNumber(e.awarded, set);
    addNumbersFrom([e.reason, e.note, e.observed, e.ruleId], set);
  }
  addNumbersFrom(route, set);
  // Tool timings are not facts about the lead.
  addNumbersFrom({ ...enrichment, tools: undefined }, set);
  if (lead.company.employees !== undefined) addNumber(lead.company.employees, set);
  addNumbersFrom(lead.company.employeesRaw, set);
  // The first-contact time in the team's local time, as the rationale states it.
  if (route.slaDueAt)
    for (const lang of ['en', 'nl'] as const)
      addNumbersFrom(localDue(route.slaDueAt, input.timeZone ?? DEFAULT_TIME_ZONE, lang), set);
  return set;
}
