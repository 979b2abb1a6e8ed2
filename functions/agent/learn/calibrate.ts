/**
 * Learning scoring points from history: a scorecard.
 *
 *   1. Split the leads (stratified) into a training part and a held-out part (`holdout`, default 30 %).
 *   2. Turn every fact into levels on the training part (features.ts: quantile bins for numbers, frequent
 *      values for strings, missing as a level) — each level is a rule condition.
 *   3. One-hot design = which level rules fire, evaluated by the scoring engine itself, so the model
 *      learns exactly what the engine will see.
 *   4. Logistic regression with an L2 penalty (intercept free), λ chosen by k-fold cross-validation on the
 *      training part (held-out deviance).
 *   5. Coefficients → whole points with points-to-double-the-odds scaling: points = round(PDO/ln 2 × (β −
 *      the fact's lowest β)), so each fact's weakest level scores 0 and no total goes below 0; every PDO
 *      points double the odds of success, and the odds are even at the "base" total. PDO is chosen so
 *      that the 99th percentile of the training totals lands near 100 unless given.
 *   6. Tiers proposed from the training totals and target rates (tiers.ts); the rules file is written,
 *      read back with `loadRules`, and scored by the engine on both parts: AUC, Brier (probability =
 *      σ((total − base) × ln 2 / PDO)), calibration by deciles, tier mix.
 * Guards: fewer than 500 leads or fewer than 10 events (the rarer outcome) per parameter gets a warning;
 * a fact that on its own almost perfectly predicts the outcome gets a leakage warning.
 * Pure: no I/O, no clock (pass `now`).
 */
import type { Axis } from '../qualification';
import type { CustomFactDeclarations } from '../score/custom-facts';
import { compileRules, scoreLead } from '../score/engine';
import { FACT_KINDS, FACT_NAMES } from '../score/facts';
import { loadRules, parseRules, type Rule, type RulesFile } from '../score/rules';
import {
  buildFeature,
  type Feature,
  type FeatureSpec,
  type Level,
  type LevelOptions,
  slugify,
} from './features';
import { factValue, type HistoricalLead, HistoryError } from './history';
import { type Design, fitLogistic, oneHotDesign, predictProbabilities, subsetDesign } from './logistic';
import {
  auc,
  brier,
  type CalibrationBin,
  calibrationTable,
  logLoss,
  quantileSorted,
  sigmoid,
} from './metrics';
import { seededRng, stratifiedFolds, stratifiedSplit } from './random';
import { renderRulesYaml } from './rules-yaml';
import { pct, proposeTiers, type TierStats, type TierTargets, tierOfScore, tierStats } from './tiers';

export const MIN_LEADS = 500;
export const MIN_EVENTS_PER_PARAMETER = 10;
const NICE_PDO = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];
const DEFAULT_LAMBDAS = [0.1, 0.3, 1, 3, 10, 30, 100];

export type Progress = (stage: string, fraction: number) => void;

export interface CalibrateOptions extends LevelOptions {
  /** Share of leads held out for evaluation (default 0.3; 0 trains on all and reports no held-out figures). */
  readonly holdout?: number;
  readonly seed?: number;
  /** Cross-validation folds for λ (default 5). */
  readonly folds?: number;
  /** λ values to try (default 0.1 … 100); `lambda` fixes it and skips cross-validation. */
  readonly lambdas?: readonly number[];
  readonly lambda?: number;
  /** Most training leads used for choosing λ (a stratified sample; default 20,000). */
  readonly cvMaxLeads?: number;
  /** Most combinations of two levels to add (default 8; 0 for main effects only). */
  readonly combinations?: number;
  /** How many of the strongest facts combinations are looked for among (default 6). */
  readonly combinationFacts?: number;
  /** Points to double the odds; default chosen so totals land in about 0–100. */
  readonly pdo?: number;
  readonly tierTargets?: TierTargets;
  /** Univariate AUC from which a fact is flagged as likely leakage (default 0.9). */
  readonly leakageAuc?: number;
  /** Version of the new draft (default "learned-<date>"). */
  readonly version?: string;
  readonly now?: Date;
  /** Axis per fact (default: from its name; engagement for visits/time/pages/email/activity, else fit). */
  readonly axisOf?: (spec: FeatureSpec) => Axis;
  readonly onProgress?: Progress;
}

export interface CalibrateInput {
  readonly leads: readonly HistoricalLead[];
  /** The facts to learn from (built-in or declared custom facts). */
  readonly features: readonly FeatureSpec[];
  /** Declarations of the custom facts the features name. */
  readonly customFacts?: CustomFactDeclarations;
  /** Lines about the source to put above the written file ("from leads.csv, outcome Converted"). */
  readonly sourceNotes?: readonly string[];
}

export interface PartReport {
  readonly rows: number;
  readonly positives: number;
  /** AUC of the integer totals of the written rules. */
  readonly auc: number;
  /** AUC of the unrounded model, for the cost of whole points. */
  readonly aucModel: number;
  readonly brier: number;
  readonly logLoss: number;
  readonly calibration: CalibrationBin[];
  readonly tiers: TierStats;
}

export interface FeatureReport {
  readonly fact: string;
  readonly label: string;
  readonly column?: string;
  readonly kind: string;
  readonly levels: number;
  /** Points between the fact's weakest and strongest level. */
  readonly pointsRange: number;
  /** AUC of this fact alone on the training part. */
  readonly auc: number;
  readonly note: string;
}

export interface RuleReport {
  readonly id: string;
  readonly reason: string;
  readonly points: number;
  readonly leads: number;
  readonly positiveRate: number;
}

export interface CalibrationReport {
  readonly rows: number;
  readonly positives: number;
  readonly baseRate: number;
  /** Rules written (levels with points ≠ 0). */
  readonly rules: number;
  readonly version: string;
  readonly train: PartReport;
  /** Null when nothing was held out. */
  readonly holdout: PartReport | null;
  readonly model: {
    readonly method: string;
    readonly lambda: number;
    readonly crossValidation: { lambda: number; deviance: number }[];
    readonly parameters: number;
    /** Rules for two levels together (see `combinations`). */
    readonly combinations: number;
    readonly pdo: number;
    /** Total at which the odds of success are even (50 %). */
    readonly base: number;
    readonly probability: string;
  };
  readonly sampleSize: {
    readonly leads: number;
    readonly events: number;
    readonly parameters: number;
    readonly eventsPerParameter: number;
    readonly enough: boolean;
  };
  readonly tiers: RulesFile['tiers'];
  readonly tierNotes: string[];
  readonly features: FeatureReport[];
  /** The rules with the most points (either way), strongest first. */
  readonly topRules: RuleReport[];
  readonly warnings: string[];
}

export interface CalibrationResult {
  readonly rules: RulesFile;
  readonly yaml: string;
  readonly report: CalibrationReport;
}

/**
 * The facts of stored leads to learn from: every built-in number, yes/no and text fact that varies among
 * them (lists and the bookkeeping `*Source` facts left out), plus each custom fact they carry.
 */
export function factFeatures(leads: readonly HistoricalLead[]): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  for (const name of FACT_NAMES) {
    const { kind } = FACT_KINDS[name];
    if (kind === 'string[]' || name.endsWith('Source')) continue;
    const seen = new Set<unknown>();
    for (const l of leads) {
      seen.add(l.facts[name]);
      if (seen.size > 1) break;
    }
    if (seen.size > 1) out.push({ fact: name, label: name, kind, ignoreCase: false });
  }
  const custom = new Map<string, Set<string>>();
  for (const l of leads)
    for (const [name, v] of Object.entries(l.facts.custom ?? {}))
      if (v !== null) {
        const kinds = custom.get(name) ?? new Set<string>();
        kinds.add(typeof v);
        custom.set(name, kinds);
      }
  for (const [name, kinds] of custom)
    if (kinds.size === 1) {
      const kind = [...kinds][0] as FeatureSpec['kind'];
      out.push({ fact: `custom.${name}`, label: name, kind, ignoreCase: kind === 'string' });
    }
  return out;
}

/** Default axis from a fact's label: own-channel behaviour is engagement, buying signals intent, else fit. */
export function defaultAxis(spec: FeatureSpec): Axis {
  const t = `${spec.label} ${spec.fact}`.toLowerCase();
  if (
    /visit|page|view|time|session|click|open|download|webinar|e-?mail|activity|engag|chat|form|last|bezoek|pagina/.test(
      t,
    )
  )
    return 'engagement';
  if (/budget|timeline|timeframe|intent|interest|need|plan|buy|purchas|hiring|funding|growth|termijn/.test(t))
    return 'intent';
  return 'fit';
}

/** Chooses a PDO so the 99th percentile of the totals lands near 100. */
function autoPdo(spreadLogOdds: number[]): number {
  const sorted = Float64Array.from(spreadLogOdds).sort();
  const p99 = quantileSorted(sorted, 0.99);
  if (!(p99 > 0)) return 10;
  const ideal = (100 / p99) * Math.LN2;
  return NICE_PDO.reduce((best, p) =>
    Math.abs(Math.log(p / ideal)) < Math.abs(Math.log(best / ideal)) ? p : best,
  );
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function calibrate(input: CalibrateInput, options: CalibrateOptions = {}): CalibrationResult {
  const progress = options.onProgress ?? (() => {});
  const warnings: string[] = [];
  const leads = input.leads;
  const n = leads.length;
  const y = Uint8Array.from(leads, (l) => (l.outcome ? 1 : 0));
  const positives = y.reduce((s, v) => s + v, 0);
  if (n === 0) throw new HistoryError('the history holds no lead with a known outcome');
  if (positives === 0 || positives === n)
    throw new HistoryError('the outcome has one class only: learning needs both successes and failures');
  const holdoutShare = options.holdout ?? 0.3;
  if (!(holdoutShare >= 0 && holdoutShare < 0.9)) throw new HistoryError('holdout must be between 0 and 0.9');
  const rng = seededRng(options.seed ?? 1);
  const split =
    holdoutShare > 0 ? stratifiedSplit(y, holdoutShare, rng) : { train: [...y.keys()], test: [] as number[] };
  const train = split.train;
  const yTrain = Uint8Array.from(train, (i) => y[i]!);

  // 2. Levels per fact, on the training part.
  progress('levels', 0);
  const features: Feature[] = [];
  const dropped: string[] = [];
  input.features.forEach((spec, k) => {
    const values = train.map((i) => factValue(leads[i]!.facts, spec.fact));
    const f = buildFeature(spec, values, yTrain, options);
    if (f.levels.length < 2) dropped.push(spec.label);
    else features.push(f);
    progress('levels', (k + 1) / input.features.length);
  });
  if (dropped.length > 0)
    warnings.push(
      `left out (one level only on the training part): ${dropped.map((d) => JSON.stringify(d)).join(', ')}`,
    );
  if (features.length === 0) throw new HistoryError('no fact varies in the history: nothing to learn from');

  // 3. Design: which level rules fire, by the engine. Column 0 is the intercept, column 1 + t is term t.
  const terms: Term[] = [];
  features.forEach((f, fi) => {
    f.levels.forEach((l, li) => {
      terms.push({ feature: fi, level: li, ...l });
    });
  });
  const probe = compileRules(
    parseRules({
      version: 'levels',
      axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } },
      tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] },
      quadrant: { intentHigh: 1, engagementHigh: 1 },
      ...(input.customFacts && Object.keys(input.customFacts).length
        ? { customFacts: input.customFacts }
        : {}),
      rules: terms.map((t, k) => ({
        id: `t${k}`,
        axis: 'fit' as const,
        points: 0,
        reason: t.reason,
        when: t.when,
      })),
    }),
  );
  const active: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a: number[] = [];
    const facts = leads[i]!.facts;
    for (let r = 0; r < probe.rules.length; r++) if (probe.rules[r]!.test(facts)) a.push(r + 1);
    active[i] = a;
    if ((i & 4095) === 0) progress('design', i / n);
  }
  const levelTerms = terms.length;
  const colStart = features.map((_, fi) => 1 + terms.findIndex((t) => t.feature === fi));
  /** The column of each fact's level per lead (0: no level fired). */
  const levelOf = features.map((_, fi) => {
    const out = new Int32Array(n);
    const lo = colStart[fi]!;
    const hi = lo + features[fi]!.levels.length;
    for (let i = 0; i < n; i++) for (const c of active[i]!) if (c >= lo && c < hi) out[i] = c;
    return out;
  });
  const parameters = levelTerms - features.length;

  // Guards.
  const trainPositives = yTrain.reduce((s, v) => s + v, 0);
  const events = Math.min(trainPositives, yTrain.length - trainPositives);
  const epp = events / Math.max(1, parameters);
  if (n < MIN_LEADS)
    warnings.push(
      `only ${n} leads with a known outcome (fewer than ${MIN_LEADS}): the points are a rough first guess; collect more history before trusting them`,
    );
  if (epp < MIN_EVENTS_PER_PARAMETER)
    warnings.push(
      `only ${round(epp, 1)} events per parameter (${events} of the rarer outcome in training for ${parameters} level parameters; at least ${MIN_EVENTS_PER_PARAMETER} advised): points are unstable — use fewer facts (--exclude) or more history`,
    );

  // Leakage: a fact that alone almost perfectly predicts the outcome. Its own levels' log-odds as a score.
  const leakAuc = options.leakageAuc ?? 0.9;
  const featureAuc = features.map((f, fi) => {
    const logOdds = f.levels.map((l) => Math.log((l.positives + 0.5) / (l.leads - l.positives + 0.5)));
    const score = train.map((i) => {
      const c = levelOf[fi]![i]!;
      return c === 0 ? 0 : logOdds[c - colStart[fi]!]!;
    });
    return auc(score, yTrain);
  });
  features.forEach((f, k) => {
    if (featureAuc[k]! >= leakAuc)
      warnings.push(
        `${JSON.stringify(f.spec.label)} alone predicts the outcome almost perfectly (AUC ${featureAuc[k]!.toFixed(3)}): if it is filled in after the first contact (a status, a sales note, an activity after the lead came in), it leaks the outcome — exclude it with --exclude`,
      );
  });

  // 4. λ by cross-validation, main effects fit.
  const lambdas = options.lambda !== undefined ? [options.lambda] : [...(options.lambdas ?? DEFAULT_LAMBDAS)];
  const cv = (d: Design, grid: readonly number[] = lambdas) =>
    chooseLambda(d, yTrain, grid, {
      folds: options.folds ?? 5,
      maxLeads: options.cvMaxLeads ?? 20_000,
      rng,
      progress,
    });
  // Each fact's most common level is the reference: its column stays out of the design (β = 0), so a
  // rare level is shrunk towards the common one, and rows are sparse (fast on wide histories).
  const modal = new Set(
    features.map((f, fi) => {
      let best = 0;
      f.levels.forEach((l, li) => {
        if (l.leads > f.levels[best]!.leads) best = li;
      });
      return colStart[fi]! + best;
    }),
  );
  const sparse = (rows: readonly number[][]) => rows.map((a) => a.filter((c) => !modal.has(c)));
  const trainActive = train.map((i) => active[i]!);
  let cols = 1 + levelTerms;
  let trainDesign = oneHotDesign(sparse(trainActive), cols);
  let { lambda, crossValidation } = cv(trainDesign);
  progress('fit', 0);
  let fit = fitLogistic(trainDesign, yTrain, { lambda });

  // 5. Combinations of two levels of the strongest facts, chosen greedily by score test while they
  // add clearly (p < 0.001); the fit and λ are then redone with them.
  const maxCombinations = options.combinations ?? 8;
  if (maxCombinations > 0 && features.length > 1) {
    const strength = features.map((f, fi) => {
      const b = f.levels.map((_, li) => fit.coefficients[colStart[fi]! + li]!);
      return Math.max(...b) - Math.min(...b);
    });
    const top = features
      .map((_, fi) => fi)
      .sort((a, b) => strength[b]! - strength[a]!)
      .slice(0, Math.min(features.length, options.combinationFacts ?? 6));
    const pairs = selectCombinations({
      top,
      levelOf: levelOf.map((l) => Int32Array.from(train, (i) => l[i]!)),
      y: yTrain,
      cols: 1 + levelTerms,
      minLeads: Math.max(
        options.minLevelLeads ?? 20,
        Math.ceil((options.minLevelShare ?? 0.01) * train.length),
      ),
      max: maxCombinations,
      start: fit.coefficients,
      refit: (chosen, start) => {
        const d = oneHotDesign(
          sparse(withPairs(trainActive, chosen, 1 + levelTerms)),
          1 + levelTerms + chosen.length,
        );
        return fitLogistic(d, yTrain, { lambda, start, tolerance: 1e-6 });
      },
      progress,
    });
    for (const [a, b] of pairs) {
      const A = terms[a - 1]!;
      const B = terms[b - 1]!;
      const both = train.filter((i) => levelOf[A.feature]![i] === a && levelOf[B.feature]![i] === b);
      terms.push({
        feature: -1,
        level: -1,
        pair: [a, b],
        slug: `${slugify(features[A.feature]!.spec.label).slice(0, 20)}-${A.slug}-and-${slugify(features[B.feature]!.spec.label).slice(0, 20)}-${B.slug}`,
        when: { all: [A.when, B.when] },
        reason: `${A.reason} and ${B.reason}`,
        reasonNl: `${A.reasonNl} en ${B.reasonNl}`,
        leads: both.length,
        positives: both.reduce((s, i) => s + y[i]!, 0),
      });
    }
    if (pairs.length > 0) {
      for (let i = 0; i < n; i++) active[i] = withPairs([active[i]!], pairs, 1 + levelTerms)[0]!;
      cols = 1 + terms.length;
      trainDesign = oneHotDesign(sparse(train.map((i) => active[i]!)), cols);
      // λ again, among the chosen one and its neighbours.
      const at = lambdas.indexOf(lambda);
      ({ lambda, crossValidation } = cv(trainDesign, lambdas.slice(Math.max(0, at - 1), at + 2)));
      fit = fitLogistic(trainDesign, yTrain, { lambda, start: [...fit.coefficients, ...pairs.map(() => 0)] });
    }
  }
  const design = oneHotDesign(sparse(active), cols);
  if (!fit.converged) warnings.push('the regression did not fully converge; the points may be slightly off');
  const beta = fit.coefficients;
  progress('fit', 1);

  // 6. Points: each fact's levels shifted so its weakest is 0; combinations as they come (may be negative).
  const minBeta = features.map(() => Number.POSITIVE_INFINITY);
  const maxBeta = features.map(() => Number.NEGATIVE_INFINITY);
  terms.forEach((t, k) => {
    if (t.feature < 0) return;
    minBeta[t.feature] = Math.min(minBeta[t.feature]!, beta[k + 1]!);
    maxBeta[t.feature] = Math.max(maxBeta[t.feature]!, beta[k + 1]!);
  });
  const shifted = (c: number) => {
    const t = terms[c - 1]!;
    return t.feature < 0 ? beta[c]! : beta[c]! - minBeta[t.feature]!;
  };
  const spread = train.map((i) => active[i]!.reduce((s, c) => s + shifted(c), 0));
  const pdo = options.pdo ?? autoPdo(spread);
  if (!(pdo > 0)) throw new HistoryError('PDO must be a positive number of points');
  const factor = pdo / Math.LN2;
  const offset = beta[0]! + minBeta.reduce((s, b) => s + b, 0);
  const base = round(-offset * factor, 1);
  const pointsOfCol = new Int32Array(cols);
  for (let c = 1; c < cols; c++) pointsOfCol[c] = Math.round(factor * shifted(c));

  // Rules: facts ordered by how much they move the score; levels in their natural order; combinations last.
  const axisOf = options.axisOf ?? defaultAxis;
  const order = features
    .map((_, k) => k)
    .sort((a, b) => maxBeta[b]! - minBeta[b]! - (maxBeta[a]! - minBeta[a]!));
  const rules: Rule[] = [];
  const ruleStats: RuleReport[] = [];
  const beforeRule = new Map<string, string[]>();
  const usedIds = new Set<string>();
  const addRule = (c: number, axis: Axis, heading: string[]) => {
    const t = terms[c - 1]!;
    const points = pointsOfCol[c]!;
    if (points === 0) return false;
    const stem = t.feature < 0 ? t.slug : `${slugify(features[t.feature]!.spec.label)}-${t.slug}`;
    let id = stem.slice(0, 60).replace(/-+$/, '');
    for (let k = 2; usedIds.has(id); k++) id = `${stem.slice(0, 56).replace(/-+$/, '')}-${k}`;
    usedIds.add(id);
    rules.push({ id, axis, points, reason: t.reason, reasonNl: t.reasonNl, when: t.when });
    const rate = t.leads ? t.positives / t.leads : 0;
    ruleStats.push({ id, reason: t.reason, points, leads: t.leads, positiveRate: round(rate) });
    beforeRule.set(id, [
      ...heading,
      `${t.leads} training leads (${pct(t.leads / train.length)}), ${pct(rate)} successful; weight ${beta[c]! >= 0 ? '+' : ''}${beta[c]!.toFixed(3)}`,
    ]);
    return true;
  };
  for (const fi of order) {
    const f = features[fi]!;
    const axis = axisOf(f.spec);
    const zero = f.levels.filter((_, li) => pointsOfCol[colStart[fi]! + li] === 0).map((l) => l.reason);
    let heading = [
      `${f.spec.label}${f.spec.column && f.spec.column !== f.spec.label ? ` (column ${JSON.stringify(f.spec.column)})` : ''} — ${f.note}; alone AUC ${featureAuc[fi]!.toFixed(3)}`,
      ...(zero.length ? [`0 points (no rule): ${zero.join('; ')}`] : []),
    ];
    f.levels.forEach((_, li) => {
      if (addRule(colStart[fi]! + li, axis, heading)) heading = [];
    });
  }
  let comboHeading = [
    'Combinations: two levels together score more (or less) than their own points add up to',
  ];
  terms.forEach((t, k) => {
    if (t.feature >= 0) return;
    const a = terms[t.pair![0] - 1]!;
    if (addRule(k + 1, axisOf(features[a.feature]!.spec), comboHeading)) comboHeading = [];
  });
  if (rules.length === 0)
    throw new HistoryError(
      'no fact moves the odds by even one point: the history shows no usable relation between the facts and the outcome',
    );

  // 6. Totals on the training part → tiers and quadrant thresholds.
  const learned = { rules };
  const draftFile = (tiers: RulesFile['tiers'], quadrant: RulesFile['quadrant']): RulesFile =>
    parseRules({
      version: options.version ?? `learned-${(options.now ?? new Date(0)).toISOString().slice(0, 10)}`,
      axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } },
      tiers,
      quadrant,
      ...(usedCustomFacts(input.customFacts, rules) ?? {}),
      rules: learned.rules,
    });
  const provisional = compileRules(
    draftFile({ cold: [0, 30], warm: [31, 70], hot: [71, null] }, { intentHigh: 1, engagementHigh: 1 }),
  );
  const now = options.now ?? new Date(0);
  // Every lead scored once by the engine; tiers only cut the totals.
  const totals = new Float64Array(n);
  const intent: number[] = [];
  const engagement: number[] = [];
  const inTrain = new Uint8Array(n);
  for (const i of train) inTrain[i] = 1;
  for (let i = 0; i < n; i++) {
    const s = scoreLead(leads[i]!.facts, provisional, now);
    totals[i] = s.total;
    if (inTrain[i] && s.intent > 0) intent.push(s.intent);
    if (inTrain[i] && s.engagement > 0) engagement.push(s.engagement);
    if ((i & 2047) === 0) progress('scoring', i / n);
  }
  const proposal = proposeTiers(
    train.map((i) => totals[i]!),
    yTrain,
    options.tierTargets,
    (total) => sigmoid(offset + total / factor),
  );
  const median = (v: number[]) =>
    v.length ? Math.max(1, Math.round(quantileSorted(Float64Array.from(v).sort(), 0.5))) : 1;
  const file = draftFile(proposal.tiers, { intentHigh: median(intent), engagementHigh: median(engagement) });

  // The file as written, read back: what ops will publish is what we evaluate.
  const header = [
    'Learned scoring rules: a DRAFT for a person to review before publishing.',
    ...(input.sourceNotes ?? []),
    `${n} leads with a known outcome (${positives} successful, ${pct(positives / n)}); ${train.length} to learn from, ${split.test.length} held out.`,
    `Points: logistic regression with an L2 penalty on binned facts (one level per fact fires for every lead)${terms.length > levelTerms ? `, plus ${terms.length - levelTerms} combination${terms.length - levelTerms === 1 ? '' : 's'} of two levels` : ''},`,
    `λ = ${lambda}${crossValidation.length ? ` chosen by ${options.folds ?? 5}-fold cross-validation` : ''}. Every ${pdo} points double the odds of success (PDO ${pdo});`,
    `at a total of ${base} the odds are even (50 %). Each fact's weakest level scores 0, so levels without a rule score 0.`,
    "Weights are log-odds relative to each fact's most common level (combinations: on top of their two levels).",
    'Probability of success for a total T: 1 / (1 + 2^((base - T) / PDO)).',
    ...proposal.notes.map((note) => `Tiers: ${note}.`),
  ];
  const yaml = renderRulesYaml(file, { header, beforeRule });
  const written = loadRules(yaml);
  const compiled = compileRules(written);
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 200)))
    if (scoreLead(leads[i]!.facts, compiled, now).total !== totals[i])
      throw new Error(`the written rules score lead ${i} differently from the learned points`);

  const evaluate = (rows: readonly number[]): PartReport => {
    const t = Float64Array.from(rows, (i) => totals[i]!);
    const tiers = rows.map((i) => tierOfScore(totals[i]!, written.tiers));
    const ys = Uint8Array.from(rows, (i) => y[i]!);
    const probs = t.map((x) => sigmoid(offset + x / factor));
    const model = predictProbabilities(subsetDesign(design, rows), beta);
    return {
      rows: rows.length,
      positives: ys.reduce((s, v) => s + v, 0),
      auc: round(auc(t, ys)),
      aucModel: round(auc(model, ys)),
      brier: round(brier(probs, ys)),
      logLoss: round(logLoss(probs, ys)),
      calibration: calibrationTable(t, probs, ys).map((b) => ({
        ...b,
        predicted: round(b.predicted),
        observed: round(b.observed),
      })),
      tiers: tierStats(tiers, t, ys),
    };
  };
  const trainReport = evaluate(train);
  const holdoutReport = split.test.length > 0 ? evaluate(split.test) : null;
  const checkTiers = holdoutReport ?? trainReport;
  if (checkTiers.tiers.qualification.alarm)
    warnings.push(
      `qualified leads (warm + hot) succeed at ${pct(checkTiers.tiers.qualification.ratio)} (${holdoutReport ? 'held out' : 'training'}), under the 40 % qualification→meeting alarm`,
    );
  if (checkTiers.tiers.falseNegatives.alarm)
    warnings.push(
      `cold leads succeed at ${pct(checkTiers.tiers.falseNegatives.rate)} (${holdoutReport ? 'held out' : 'training'}), over the 10 % false-negative alarm`,
    );

  const featureReports: FeatureReport[] = order.map((fi) => {
    const f = features[fi]!;
    const pts = f.levels.map((_, li) => pointsOfCol[colStart[fi]! + li]!);
    return {
      fact: f.spec.fact,
      label: f.spec.label,
      ...(f.spec.column ? { column: f.spec.column } : {}),
      kind: f.spec.kind,
      levels: f.levels.length,
      pointsRange: Math.max(...pts) - Math.min(...pts),
      auc: round(featureAuc[fi]!),
      note: f.note,
    };
  });
  const topRules = [...ruleStats].sort((a, b) => Math.abs(b.points) - Math.abs(a.points)).slice(0, 15);
  progress('done', 1);

  return {
    rules: written,
    yaml,
    report: {
      rows: n,
      positives,
      baseRate: round(positives / n),
      rules: rules.length,
      version: written.version,
      train: trainReport,
      holdout: holdoutReport,
      model: {
        method: 'logistic regression, L2 penalty (intercept free), IRLS; one-hot levels of binned facts',
        lambda,
        crossValidation,
        parameters: cols - 1,
        combinations: terms.length - levelTerms,
        pdo,
        base,
        probability: `1 / (1 + 2^((${base} - total) / ${pdo}))`,
      },
      sampleSize: {
        leads: n,
        events,
        parameters,
        eventsPerParameter: round(epp, 2),
        enough: n >= MIN_LEADS && epp >= MIN_EVENTS_PER_PARAMETER,
      },
      tiers: written.tiers,
      tierNotes: proposal.notes,
      features: featureReports,
      topRules,
      warnings,
    },
  };
}

interface Term extends Level {
  /** The fact (index in features) whose level this is; -1 for a combination. */
  readonly feature: number;
  readonly level: number;
  /** The two level columns of a combination. */
  readonly pair?: readonly [number, number];
}

/** Adds the column of each combination whose two levels are both active. */
function withPairs(rows: readonly number[][], pairs: readonly (readonly [number, number])[], first: number) {
  return rows.map((a) => {
    const extra: number[] = [];
    pairs.forEach(([x, y], k) => {
      if (a.includes(x) && a.includes(y)) extra.push(first + k);
    });
    return extra.length ? [...a, ...extra] : a;
  });
}

/** λ with the lowest held-out deviance over stratified folds of (a sample of) the training leads. */
function chooseLambda(
  d: Design,
  y: Uint8Array,
  lambdas: readonly number[],
  o: { folds: number; maxLeads: number; rng: () => number; progress: Progress },
): { lambda: number; crossValidation: { lambda: number; deviance: number }[] } {
  if (lambdas.length === 1) return { lambda: lambdas[0]!, crossValidation: [] };
  let rows = [...y.keys()];
  if (rows.length > o.maxLeads) rows = stratifiedSplit(y, 1 - o.maxLeads / rows.length, o.rng).train;
  const cvY = Uint8Array.from(rows, (k) => y[k]!);
  const k = Math.max(2, o.folds);
  const fold = stratifiedFolds(cvY, k, o.rng);
  const deviance = new Float64Array(lambdas.length);
  for (let f = 0; f < k; f++) {
    const fitRows: number[] = [];
    const testRows: number[] = [];
    rows.forEach((row, j) => {
      (fold[j] === f ? testRows : fitRows).push(row);
    });
    const dFit = subsetDesign(d, fitRows);
    const dTest = subsetDesign(d, testRows);
    const yFit = Uint8Array.from(fitRows, (r) => y[r]!);
    let start: Float64Array | undefined;
    // From strong to weak penalty: each fit starts from the previous one.
    for (let li = lambdas.length - 1; li >= 0; li--) {
      const fit = fitLogistic(dFit, yFit, {
        lambda: lambdas[li]!,
        tolerance: 1e-6,
        ...(start ? { start } : {}),
      });
      start = fit.coefficients;
      const p = predictProbabilities(dTest, fit.coefficients);
      let dev = 0;
      testRows.forEach((r, j) => {
        const pj = Math.min(1 - 1e-12, Math.max(1e-12, p[j]!));
        dev -= 2 * (y[r] ? Math.log(pj) : Math.log(1 - pj));
      });
      deviance[li] = deviance[li]! + dev;
      o.progress('cross-validation', (f * lambdas.length + (lambdas.length - li)) / (k * lambdas.length));
    }
  }
  let best = 0;
  for (let li = 1; li < lambdas.length; li++) if (deviance[li]! < deviance[best]!) best = li;
  return {
    lambda: lambdas[best]!,
    crossValidation: lambdas.map((l, li) => ({ lambda: l, deviance: round(deviance[li]!, 2) })),
  };
}

/** χ² (1 df) a combination must reach in the score test to be added: p < 0.001. */
const COMBINATION_CHI2 = 10.83;

/**
 * Greedy forward selection of two-level combinations among the `top` facts: at each step the candidate
 * with the largest score statistic (Σ(y − p))² / Σp(1 − p) over its leads, refit, repeat — until `max`
 * are chosen or none reaches p < 0.001. Candidates need `minLeads` leads and must differ from both levels.
 */
function selectCombinations(o: {
  top: readonly number[];
  levelOf: readonly Int32Array[];
  y: Uint8Array;
  cols: number;
  minLeads: number;
  max: number;
  start: Float64Array;
  refit: (chosen: [number, number][], start: number[]) => { coefficients: Float64Array };
  progress: Progress;
}): [number, number][] {
  const n = o.y.length;
  const levelCount = new Map<number, number>();
  for (const lv of o.levelOf)
    for (let i = 0; i < n; i++) levelCount.set(lv[i]!, (levelCount.get(lv[i]!) ?? 0) + 1);
  const chosen: [number, number][] = [];
  let beta = Array.from(o.start);
  const eta = new Float64Array(n);
  for (let step = 0; step < o.max; step++) {
    // η from the current fit: intercept + one level per fact + chosen combinations.
    for (let i = 0; i < n; i++) {
      let e = beta[0]!;
      for (const lv of o.levelOf) if (lv[i]! > 0) e += beta[lv[i]!]!;
      chosen.forEach(([a, b], k) => {
        if (o.levelOf.some((lv) => lv[i] === a) && o.levelOf.some((lv) => lv[i] === b))
          e += beta[o.cols + k]!;
      });
      eta[i] = e;
    }
    let best: { key: [number, number]; chi2: number } | null = null;
    for (let x = 0; x < o.top.length; x++)
      for (let z = x + 1; z < o.top.length; z++) {
        const A = o.levelOf[o.top[x]!]!;
        const B = o.levelOf[o.top[z]!]!;
        const acc = new Map<number, { n: number; g: number; info: number }>();
        for (let i = 0; i < n; i++) {
          if (A[i] === 0 || B[i] === 0) continue;
          const key = A[i]! * o.cols + B[i]!;
          const p = sigmoid(eta[i]!);
          const e = acc.get(key) ?? { n: 0, g: 0, info: 0 };
          e.n++;
          e.g += o.y[i]! - p;
          e.info += p * (1 - p);
          acc.set(key, e);
        }
        for (const [key, e] of acc) {
          const a = Math.floor(key / o.cols);
          const b = key % o.cols;
          if (e.n < o.minLeads || e.n === levelCount.get(a) || e.n === levelCount.get(b)) continue;
          if (chosen.some(([p, q]) => p === a && q === b)) continue;
          const chi2 = e.info > 0 ? (e.g * e.g) / e.info : 0;
          if (!best || chi2 > best.chi2) best = { key: [a, b], chi2 };
        }
      }
    if (!best || best.chi2 < COMBINATION_CHI2) break;
    chosen.push(best.key);
    beta = Array.from(o.refit(chosen, [...beta, 0]).coefficients);
    o.progress('combinations', (step + 1) / o.max);
  }
  return chosen;
}

/** Only the custom-fact declarations the rules use. */
function usedCustomFacts(
  decls: CustomFactDeclarations | undefined,
  rules: readonly Rule[],
): { customFacts: CustomFactDeclarations } | undefined {
  if (!decls) return undefined;
  const text = JSON.stringify(rules.map((r) => r.when));
  const used = Object.entries(decls).filter(([name]) => text.includes(`"custom.${name}"`));
  return used.length ? { customFacts: Object.fromEntries(used) } : undefined;
}
