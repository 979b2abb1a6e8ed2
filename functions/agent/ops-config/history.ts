/**
 * This system's own history for backtests and insights: which leads have a known outcome, what counts as
 * success (a meeting, or a deal won), and each lead's facts as they were when it was scored — derived from
 * the lead and the enrichment stored with its score, at the score's own time, never from today's
 * enrichment. Tolerant of the outcome fields: the lead's status, and when present the recorded `outcome`
 * and `outcomes` (meeting_booked / won / lost / disqualified). Pure: no I/O.
 */

import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import type { BacktestReport } from '../learn/backtest';
import { backtest } from '../learn/backtest';
import type { HistoricalLead } from '../learn/history';
import type { Tier } from '../qualification';
import { deriveFacts, type RulesFile } from '../score';

/** Outcomes that count as success (the lead became a sales conversation). */
const SUCCESS = new Set(['meeting', 'meeting_booked', 'won']);
/** Closed without one. */
const FAILURE = new Set(['lost', 'disqualified']);

interface OutcomeFields {
  readonly outcome?: { readonly outcome?: string };
  readonly outcomes?: readonly { readonly outcome?: string }[];
}

/** true: meeting or won; false: closed lost or disqualified without a meeting; undefined: not known yet. */
export const outcomeOf = (record: Pick<LeadRecord, 'status'> & OutcomeFields): boolean | undefined => {
  const recorded = [
    ...(record.outcomes ?? []).map((o) => o.outcome),
    record.outcome?.outcome,
    record.status,
  ].filter((o): o is string => typeof o === 'string');
  if (recorded.some((o) => SUCCESS.has(o))) return true;
  if (recorded.some((o) => FAILURE.has(o))) return false;
  return undefined;
};

/** Leads that were scored, with their facts for `rules` at scoring time and their outcome. */
export const historyOf = (records: readonly LeadRecord[], rules: RulesFile): HistoricalLead[] => {
  const out: HistoricalLead[] = [];
  for (const r of records) {
    const outcome = outcomeOf(r as LeadRecord & OutcomeFields);
    if (outcome === undefined || !r.score || !r.enrichment) continue;
    const at = new Date(r.score.scoredAt);
    out.push({
      facts: deriveFacts(r.lead, r.enrichment, at, rules.settings, rules.customFacts),
      outcome,
      id: r.leadId,
      at: r.score.scoredAt,
    });
  }
  return out;
};

export interface VersionBacktest {
  /** Leads read, and those with a known outcome (the ones evaluated). */
  readonly leads: number;
  readonly withOutcome: number;
  readonly positives: number;
  readonly qualifiedFrom: Tier;
  /** The draft's figures, with `compare` holding the published version's and the tier changes. */
  readonly report: BacktestReport;
}

/**
 * Evaluates `draft` against `published` on the stored leads with a known outcome: AUC, Brier, tier mix and
 * success rate per tier, qualification→meeting ratio, false-negative rate, per-rule effects and the leads
 * that change tier (examples by lead id). Each version derives facts with its own settings and custom facts.
 */
export const backtestVersions = (
  records: readonly LeadRecord[],
  draft: RulesFile,
  published: RulesFile,
  options: { qualifiedFrom?: Tier; examples?: number } = {},
): VersionBacktest => {
  const mine = historyOf(records, draft);
  const positives = mine.filter((l) => l.outcome).length;
  if (positives === 0 || positives === mine.length)
    throw new DomainError(
      'unprocessable',
      `A backtest needs leads that got a meeting and leads that did not: of ${records.length} scored leads, ${mine.length} have a known outcome and ${positives} of those got a meeting`,
      { field: 'history' },
    );
  const theirs = historyOf(records, published).map((l) => l.facts);
  const qualifiedFrom = options.qualifiedFrom ?? 'warm';
  const report = backtest(mine, draft, {
    compare: published,
    compareFacts: theirs,
    qualifiedFrom,
    examples: options.examples ?? 5,
  });
  return { leads: records.length, withOutcome: mine.length, positives, qualifiedFrom, report };
};
