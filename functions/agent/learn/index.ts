/**
 * Learning from history: backtest any rules version on leads of known outcome, learn a draft rules file
 * (a scorecard with whole points) from a history, and watch drift month over month. Pure TypeScript, no
 * I/O: callers bring the history (a CSV table, or stored facts snapshots of this system's own leads).
 *
 *   const table = parseCsv(text);
 *   const { yaml, report } = calibrateCsv(table, { outcome: 'Converted', exclude: ['Tags'] });
 *   const backtestReport = backtestCsv(table, loadRules(yaml), { outcome: 'Converted', compare: published });
 *
 * For stored leads: `backtest(leads, rules, { compare })` and `calibrate({ leads, features })` with
 * `leads = [{ facts, outcome, id, at }]` — facts as they were when each lead was scored.
 */
export {
  type BacktestOptions,
  type BacktestReport,
  backtest,
  type RuleEffect,
  type TierChange,
  type VersionFigures,
} from './backtest';
export {
  type CalibrateInput,
  type CalibrateOptions,
  type CalibrationReport,
  type CalibrationResult,
  calibrate,
  defaultAxis,
  type FeatureReport,
  factFeatures,
  MIN_EVENTS_PER_PARAMETER,
  MIN_LEADS,
  type PartReport,
  type Progress,
  type RuleReport,
} from './calibrate';
export { CsvError, type CsvTable, parseCsv } from './csv';
export {
  type DriftLevel,
  type DriftSeries,
  type DriftStep,
  driftAlerts,
  factDrift,
  monthOf,
  PSI_MODERATE,
  PSI_SIGNIFICANT,
  psi,
  psiLevel,
  scoreDrift,
} from './drift';
export { buildFeature, type Feature, type FeatureSpec, type Level, type LevelOptions } from './features';
export {
  backtestCsv,
  type ColumnUse,
  type CsvBacktestReport,
  type CsvCalibrationResult,
  type CsvHistoryOptions,
  calibrateCsv,
} from './from-csv';
export {
  emptyFacts,
  factValue,
  type HistoricalLead,
  HistoryError,
  historyReader,
  readOutcomes,
} from './history';
export { fitLogistic, fitPlatt } from './logistic';
export { auc, aucStandardError, brier, calibrationTable, logLoss } from './metrics';
export { renderRulesYaml } from './rules-yaml';
export {
  FALSE_NEGATIVE_ALARM,
  proposeTiers,
  QUALIFICATION_ALARM,
  type TierStats,
  type TierTargets,
  tierStats,
} from './tiers';
