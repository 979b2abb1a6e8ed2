/**
 * Transparent, deterministic lead scoring on fit / intent / engagement with a ledger:
 *   const score = scoreEnrichedLead(lead, enrichment, compileRules(rulesFile), now);
 * The shipped rules (config/scoring-rules.yaml) come from functions/platform/shipped-files.ts.
 */

export {
  type CustomFactDeclaration,
  type CustomFactDeclarations,
  type CustomFactRef,
  type CustomFactValues,
  customFactsFromLead,
  isPlaceholder,
} from './custom-facts';
export {
  type CompiledRule,
  type CompiledRules,
  compileRules,
  FLOOR_RULE_ID,
  firedRuleIds,
  fnv1a,
  quadrantOf,
  type ScoreOptions,
  scoreLead,
} from './engine';
export {
  DEFAULT_FACT_SETTINGS,
  deriveFacts,
  deriveFactsWithEvidence,
  FACT_KINDS,
  FACT_NAMES,
  type FactEvidence,
  type FactKind,
  type FactName,
  type FactSettings,
  type Facts,
  inOfficeHours,
  type LeadFacts,
  meaningfulAnswer,
  parseTimelineMonths,
} from './facts';
export {
  type Condition,
  ConditionSchema,
  conditionFacts,
  type Decay,
  inferAgeFact,
  loadRules,
  OPERATORS,
  type Operator,
  parseRules,
  type Rule,
  type RulesFile,
  RulesFileSchema,
  RulesValidationError,
} from './rules';
export { scoreEnrichedLead } from './score-enriched-lead';
