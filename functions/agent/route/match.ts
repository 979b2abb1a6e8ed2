/**
 * Which rule routes a lead: the nurture threshold first, then the rules in file order (first match wins),
 * then the fallback. Returns where the lead goes (a team's rotation, a person, or nurture) and why, in
 * words a rep understands ("Hot lead from NL, 10–200 employees"). Pure: no I/O.
 */
import type { Enrichment, Industry } from '../enrichment';
import type { FormType, Language, Lead } from '../lead';
import type { Quadrant, Score, Tier } from '../qualification';
import { type RoutingFile, type RoutingSetup, tierRank, type When } from './rules';

export interface RouteInput {
  readonly lead: Lead;
  readonly enrichment: Enrichment;
  readonly score: Pick<Score, 'tier' | 'quadrant' | 'total'> &
    Partial<Pick<Score, 'fit' | 'handRaise' | 'disposition'>>;
}

export interface RouteMatch {
  readonly kind: 'nurture' | 'team' | 'owner';
  /** The rule that matched; `threshold` for the nurture threshold, `fallback` when no rule matched. */
  readonly ruleId: string;
  /** Why, in words: "Hot lead from NL, 10–200 employees". */
  readonly reason: string;
  readonly team?: string;
  /** For `owner`: the person; for `nurture`: the nurture sequence's owner. */
  readonly ownerId?: string;
}

/** The facts routing conditions look at; null when unknown (an unknown fact never matches a condition). */
export interface RoutingFacts {
  readonly tier: Tier;
  readonly quadrant: Quadrant;
  readonly total: number;
  readonly country: string | null;
  readonly regions: readonly string[];
  readonly employees: number | null;
  readonly industry: Industry | null;
  readonly productLines: readonly string[];
  readonly formType: FormType;
  readonly language: Language;
}

export const THRESHOLD_RULE_ID = 'threshold';
/** A submission that is not a sales lead (job application, vendor pitch, …): never a rep's time. */
export const DISPOSITION_RULE_ID = 'disposition';
export const FALLBACK_RULE_ID = 'fallback';

export function routingFacts(input: RouteInput, routing: RoutingFile): RoutingFacts {
  const { lead, enrichment, score } = input;
  const country =
    lead.company.country ?? enrichment.geo.country ?? enrichment.registry?.address?.country ?? null;
  const interest = (lead.qualifying.productInterest ?? '').toLowerCase();
  const industry = enrichment.registry?.industry;
  return {
    tier: score.tier,
    quadrant: score.quadrant,
    total: score.total,
    country,
    regions: country
      ? Object.entries(routing.regions)
          .filter(([, cs]) => cs.includes(country))
          .map(([id]) => id)
      : [],
    employees: lead.company.employees ?? enrichment.registry?.employees ?? null,
    industry: industry && industry !== 'other' ? industry : null,
    productLines: interest
      ? routing.productLines
          .filter((p) => p.keywords.some((k) => interest.includes(k.toLowerCase())))
          .map((p) => p.id)
      : [],
    formType: lead.formType,
    language: lead.language,
  };
}

/** Whether every condition in `when` holds for `facts`. */
export function matchesWhen(when: When, f: RoutingFacts): boolean {
  if (when.tier && !when.tier.includes(f.tier)) return false;
  if (when.quadrant && !when.quadrant.includes(f.quadrant)) return false;
  if (when.country && (f.country === null || !when.country.includes(f.country))) return false;
  if (when.region && !when.region.some((r) => f.regions.includes(r))) return false;
  if (when.employees) {
    if (f.employees === null) return false;
    if (when.employees.min !== undefined && f.employees < when.employees.min) return false;
    if (when.employees.max !== undefined && f.employees > when.employees.max) return false;
  }
  if (when.industry && (f.industry === null || !when.industry.includes(f.industry))) return false;
  if (when.productLine && !when.productLine.some((p) => f.productLines.includes(p))) return false;
  if (when.formType && !when.formType.includes(f.formType)) return false;
  if (when.language && !when.language.includes(f.language)) return false;
  return true;
}

const or = (xs: readonly string[]) => xs.join(' or ');
const FORM_WORDS: Record<FormType, string> = {
  demo_request: 'demo request',
  contact: 'contact form',
  pricing: 'pricing request',
  trial: 'trial sign-up',
  download: 'download',
  newsletter: 'newsletter sign-up',
  other: 'other form',
};

/** A rule's conditions in words, for rules without a `reason`: "201–1000 employees, saas or software". */
export function describeWhen(when: When, routing: RoutingFile): string {
  const parts: string[] = [];
  if (when.region) parts.push(`region ${or(when.region)}`);
  if (when.employees) {
    const { min, max } = when.employees;
    parts.push(
      min !== undefined && max !== undefined
        ? `${min}–${max} employees`
        : min !== undefined
          ? `${min}+ employees`
          : `up to ${max} employees`,
    );
  }
  if (when.industry) parts.push(or(when.industry));
  if (when.productLine)
    parts.push(
      `interested in ${or(when.productLine.map((id) => routing.productLines.find((p) => p.id === id)?.name ?? id))}`,
    );
  if (when.formType) parts.push(or(when.formType.map((t) => FORM_WORDS[t])));
  if (when.quadrant) parts.push(`quadrant ${or(when.quadrant.map((q) => q.replace('_', ' ')))}`);
  if (when.language) parts.push(`language ${or(when.language)}`);
  return parts.join(', ');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Hot lead from NL" / "Warm lead" (country unknown). */
export const leadHeadline = (f: RoutingFacts): string =>
  `${capital(f.tier)} lead${f.country ? ` from ${f.country}` : ''}`;

/**
 * Routes a lead: below the threshold (tier under `threshold.minTier`, or a quadrant in
 * `threshold.nurtureQuadrants`, unless the form type is in `threshold.exceptFormTypes`) → nurture; else the
 * first rule whose `when` holds; else `fallback`.
 */
export function matchRoute(input: RouteInput, setup: RoutingSetup | RoutingFile): RouteMatch {
  const routing = 'routing' in setup ? setup.routing : setup;
  const f = routingFacts(input, routing);
  const head = leadHeadline(f);
  const { threshold } = routing;
  const disposition = input.score.disposition;
  if (disposition && disposition.kind !== 'sales')
    return {
      kind: 'nurture',
      ruleId: DISPOSITION_RULE_ID,
      reason: `Not a sales lead: ${disposition.reason}`,
      ownerId: routing.nurture.owner,
    };
  const handRaiseFromFit =
    threshold.exceptHandRaise !== undefined &&
    input.score.handRaise === true &&
    (input.score.fit ?? 0) >= threshold.exceptHandRaise.minFit;
  if (!threshold.exceptFormTypes.includes(f.formType) && !handRaiseFromFit) {
    if (tierRank(f.tier) < tierRank(threshold.minTier))
      return {
        kind: 'nurture',
        ruleId: THRESHOLD_RULE_ID,
        reason: `${head} (score ${f.total}) is below the routing threshold (${threshold.minTier})`,
        ownerId: routing.nurture.owner,
      };
    if (threshold.nurtureQuadrants.includes(f.quadrant))
      return {
        kind: 'nurture',
        ruleId: THRESHOLD_RULE_ID,
        reason: `${head} in quadrant ${f.quadrant.replace('_', ' ')} (low intent and engagement)`,
        ownerId: routing.nurture.owner,
      };
  }
  for (const rule of routing.rules) {
    if (!matchesWhen(rule.when, f)) continue;
    const why = rule.reason ?? describeWhen(rule.when, routing);
    const reason = why ? `${head}, ${why}` : head;
    if (rule.to.nurture) return { kind: 'nurture', ruleId: rule.id, reason, ownerId: routing.nurture.owner };
    if (rule.to.team !== undefined) return { kind: 'team', ruleId: rule.id, reason, team: rule.to.team };
    return { kind: 'owner', ruleId: rule.id, reason, ownerId: rule.to.owner as string };
  }
  const reason = `${head}, no routing rule matched`;
  return routing.fallback.team !== undefined
    ? { kind: 'team', ruleId: FALLBACK_RULE_ID, reason, team: routing.fallback.team }
    : { kind: 'owner', ruleId: FALLBACK_RULE_ID, reason, ownerId: routing.fallback.owner as string };
}
