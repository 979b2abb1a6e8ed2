/**
 * The explanation of the automated assessment for the prospect (GDPR art. 13(2)(f), 15(1)(h), 22; CJEU
 * C-203/22 Dun & Bradstreet Austria): in their language, which data were used, how each counted, and what
 * would have changed the result — "without X the score would have been N (tier), below/above the threshold
 * for personal follow-up". Generated from the stored ledger: when the scoring rules in force are the ones
 * that scored the lead, each counterfactual is the engine run again on the stored data without that rule;
 * otherwise it is worked out from the ledger's own points. Only the rules that fired are shown. Pure.
 */
import type { Language } from '../lead';
import type { LeadRecord } from '../lead-record';
import type { Score, Tier } from '../qualification';
import { type CompiledRules, deriveFacts, FLOOR_RULE_ID, scoreLead } from '../score';

export interface Counterfactual {
  readonly ruleId: string;
  readonly reason: string;
  readonly awarded: number;
  readonly totalWithout: number;
  readonly tierWithout: Tier;
  /** Whether the lead would still reach personal follow-up (the routing threshold tier) without it. */
  readonly wouldPassThreshold: boolean;
  readonly sentence: string;
}

export interface Explanation {
  readonly language: Language;
  readonly scored: boolean;
  readonly summary: string;
  readonly dataUsed: readonly string[];
  readonly factors: readonly {
    readonly ruleId: string;
    readonly axis: string;
    readonly reason: string;
    readonly points: number;
  }[];
  readonly counterfactuals: readonly Counterfactual[];
  readonly total?: number;
  readonly tier?: Tier;
  readonly threshold?: { readonly tier: Tier; readonly minTotal: number };
  readonly rulesVersion?: string;
  /** `recomputed`: the engine ran again without each rule; `ledger`: worked out from the stored points. */
  readonly method?: 'recomputed' | 'ledger';
  readonly humanReview: string;
}

const TIER_NAMES: Record<Language, Record<Tier, string>> = {
  nl: { cold: 'koud', warm: 'warm', hot: 'heet' },
  en: { cold: 'cold', warm: 'warm', hot: 'hot' },
};
const AXIS_NAMES: Record<Language, Record<string, string>> = {
  nl: { fit: 'past bij ons profiel', intent: 'koopsignalen', engagement: 'contact met ons' },
  en: { fit: 'fit with our profile', intent: 'buying signals', engagement: 'engagement with us' },
};
const TIER_ORDER: readonly Tier[] = ['cold', 'warm', 'hot'];

const tierOf = (total: number, tiers: CompiledRules['file']['tiers']): Tier =>
  total >= tiers.hot[0] ? 'hot' : total >= tiers.warm[0] ? 'warm' : 'cold';

/** Data categories the assessment used, in words (never the values). */
const dataUsed = (record: LeadRecord, language: Language): string[] => {
  const nl = language === 'nl';
  const e = record.enrichment;
  const out = [nl ? 'wat u in het formulier invulde' : 'what you entered in the form'];
  if (e?.registry)
    out.push(
      e.registry.source === 'kvk'
        ? nl
          ? 'gegevens uit het Handelsregister van de KvK (omvang, branche)'
          : 'data from the Dutch KvK trade register (size, industry)'
        : nl
          ? 'gegevens uit een openbaar bedrijvenregister'
          : 'data from a public company register',
    );
  if (e?.website)
    out.push(
      nl
        ? 'de openbare website van uw organisatie (wat u doet, gebruikte software)'
        : "your organisation's public website (what you do, software in use)",
    );
  if (e?.email) out.push(nl ? 'het domein van uw e-mailadres' : 'the domain of your email address');
  if (e?.intent?.signals.length)
    out.push(
      nl ? 'openbare koopsignalen (vacatures, financiering)' : 'public buying signals (hiring, funding)',
    );
  return out;
};

/** The score without `ruleId`, worked out from the ledger: positive points per axis re-capped, negatives kept. */
const ledgerWithout = (score: Score, ruleId: string, rules: CompiledRules): number => {
  const caps = rules.file.axes;
  let total = 0;
  for (const axis of ['fit', 'intent', 'engagement'] as const) {
    const entries = score.ledger.filter(
      (l) => l.axis === axis && l.fired && l.ruleId !== ruleId && l.ruleId !== FLOOR_RULE_ID,
    );
    // A capped entry's own points are what it would count for once the cap has room again.
    const positive = entries
      .filter((l) => l.points > 0)
      .reduce((s, l) => s + (l.note?.includes('cap') ? l.points : l.awarded), 0);
    const negative = entries.filter((l) => l.points < 0).reduce((s, l) => s + l.awarded, 0);
    total += Math.min(caps[axis].cap ?? Number.POSITIVE_INFINITY, positive) + negative;
  }
  return Math.max(0, total);
};

export const explainAssessment = (
  record: LeadRecord,
  language: Language,
  rules: CompiledRules,
  /** The tier from which a lead goes to a salesperson (routing `threshold.minTier`). */
  thresholdTier: Tier,
): Explanation => {
  const nl = language === 'nl';
  const humanReview = nl
    ? 'U kunt altijd vragen dat een mens de beoordeling bekijkt en opnieuw beslist; gebruik daarvoor de knop op deze pagina.'
    : 'You can always ask for a person to look at the assessment and decide again; use the button on this page.';
  const score = record.score;
  if (!score || !record.enrichment)
    return {
      language,
      scored: false,
      summary: record.unscored
        ? nl
          ? 'U maakte bezwaar tegen profilering: uw aanvraag is niet automatisch beoordeeld; een medewerker bekijkt hem.'
          : 'You objected to profiling: your enquiry was not assessed automatically; a member of our team looks at it.'
        : nl
          ? 'Uw aanvraag is (nog) niet automatisch beoordeeld.'
          : 'Your enquiry has not been assessed automatically (yet).',
      dataUsed: [],
      factors: [],
      counterfactuals: [],
      humanReview,
    };

  const reasonOf = new Map(rules.file.rules.map((r) => [r.id, nl && r.reasonNl ? r.reasonNl : r.reason]));
  const fired = score.ledger.filter((l) => l.fired && l.awarded !== 0 && l.ruleId !== FLOOR_RULE_ID);
  const recompute = rules.rulesVersion === score.rulesVersion;
  const scoredAt = new Date(score.scoredAt);
  const facts = recompute
    ? deriveFacts(record.lead, record.enrichment, scoredAt, rules.file.settings, rules.file.customFacts)
    : undefined;
  const minTotal = rules.file.tiers[thresholdTier][0];
  const passes = (tier: Tier) => TIER_ORDER.indexOf(tier) >= TIER_ORDER.indexOf(thresholdTier);
  const tierName = (t: Tier) => TIER_NAMES[language][t];

  const counterfactuals = fired.map((l): Counterfactual => {
    const totalWithout = facts
      ? scoreLead(facts, { ...rules, rules: rules.rules.filter((r) => r.rule.id !== l.ruleId) }, scoredAt)
          .total
      : ledgerWithout(score, l.ruleId, rules);
    const tierWithout = tierOf(totalWithout, rules.file.tiers);
    const wouldPass = passes(tierWithout);
    const reason = reasonOf.get(l.ruleId) ?? l.reason;
    const side = nl
      ? wouldPass
        ? `boven de drempel van ${minTotal} voor persoonlijke opvolging`
        : `onder de drempel van ${minTotal} voor persoonlijke opvolging`
      : wouldPass
        ? `above the threshold of ${minTotal} for personal follow-up`
        : `below the threshold of ${minTotal} for personal follow-up`;
    const sentence = nl
      ? `Zonder "${reason}" was de score ${totalWithout} geweest (${tierName(tierWithout)}), ${side}.`
      : `Without "${reason}" the score would have been ${totalWithout} (${tierName(tierWithout)}), ${side}.`;
    return {
      ruleId: l.ruleId,
      reason,
      awarded: l.awarded,
      totalWithout,
      tierWithout,
      wouldPassThreshold: wouldPass,
      sentence,
    };
  });

  const total = record.override?.total ?? score.total;
  const tier = record.override?.tier ?? score.tier;
  const summary = nl
    ? `Wij beoordeelden automatisch hoe goed ons aanbod bij uw organisatie past, met vaste, openbare regels (geen zelflerend model). Elke regel die van toepassing was telde punten op drie assen: ${Object.values(AXIS_NAMES.nl).join(', ')}. Uitkomst: ${total} punten (${tierName(tier)}); vanaf ${minTotal} neemt een verkoper persoonlijk contact op, daaronder ontvangt u alleen algemene informatie.${record.override ? ' Een medewerker heeft de uitkomst handmatig aangepast.' : ''}`
    : `We assessed automatically how well our offer fits your organisation, with fixed, readable rules (no self-learning model). Each rule that applied counted points on three axes: ${Object.values(AXIS_NAMES.en).join(', ')}. Result: ${total} points (${tierName(tier)}); from ${minTotal} a salesperson contacts you personally, below that you receive general information only.${record.override ? ' A member of our team adjusted the result by hand.' : ''}`;

  return {
    language,
    scored: true,
    summary,
    dataUsed: dataUsed(record, language),
    factors: fired.map((l) => ({
      ruleId: l.ruleId,
      axis: AXIS_NAMES[language][l.axis] ?? l.axis,
      reason: reasonOf.get(l.ruleId) ?? l.reason,
      points: l.awarded,
    })),
    counterfactuals,
    total,
    tier,
    threshold: { tier: thresholdTier, minTotal },
    rulesVersion: score.rulesVersion,
    method: facts ? 'recomputed' : 'ledger',
    humanReview,
  };
};
