/**
 * Scoring one enriched lead: the facts are derived with the rules file's own settings (time zones by
 * country, office hours) and its custom facts (which form fields, hidden fields and UTM values count), then the compiled rules score them. The one composition of facts and score, used
 * by the pipeline and by the ops CLI alike. Pure: `now` is passed in.
 */
import type { Enrichment } from '../enrichment';
import type { Signal } from '../judge/signals';
import type { Lead } from '../lead';
import type { Score } from '../qualification';
import { type CompiledRules, scoreLead } from './engine';
import { deriveFactsWithEvidence } from './facts';

export const scoreEnrichedLead = (
  lead: Lead,
  enrichment: Enrichment,
  rules: CompiledRules,
  now: Date,
  proposed: readonly Signal[] = [],
): Score => {
  const { facts, evidence } = deriveFactsWithEvidence(
    lead,
    enrichment,
    now,
    rules.file.settings,
    rules.file.customFacts,
    proposed,
  );
  return scoreLead(facts, rules, now, { evidence });
};
