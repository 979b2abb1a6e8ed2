/**
 * Scoring one enriched lead: the facts are derived with the rules file's own settings (time zones by
 * country, office hours) and its custom facts (which form fields, hidden fields and UTM values count), then the compiled rules score them. The one composition of facts and score, used
 * by the pipeline and by the ops CLI alike. Pure: `now` is passed in.
 */
import type { Enrichment } from '../enrichment';
import { classifyDisposition, type DispositionsFile } from '../judge/disposition';
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
  options: ScoreLeadOptions = {},
): Score => {
  const proposed = options.proposed ?? [];
  const { facts, evidence } = deriveFactsWithEvidence(
    lead,
    enrichment,
    now,
    rules.file.settings,
    rules.file.customFacts,
    proposed,
  );
  const score = scoreLead(facts, rules, now, { evidence });
  return {
    ...score,
    handRaise: facts.handRaise,
    disposition: classifyDisposition(lead, options.dispositions),
  };
};

export interface ScoreLeadOptions {
  /** Signals proposed for the message (checked to quote it verbatim). */
  readonly proposed?: readonly Signal[];
  /** Competitor domains and destinations (config/dispositions.yaml). */
  readonly dispositions?: DispositionsFile;
}
