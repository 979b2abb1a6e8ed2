/**
 * Logistic regression by iteratively reweighted least squares (Newton–Raphson) with an L2 (ridge) penalty
 * that leaves the intercept alone:
 *
 *   maximise  Σ w_i [ y_i·η_i − log(1 + e^η_i) ]  −  (λ/2) Σ_{j ≠ intercept} β_j²,   η = Xβ
 *
 * Each step solves (XᵀWX + λI′) δ = Xᵀ(w·(y − p)) − λβ′ by Cholesky, halving the step while the penalised
 * log-likelihood does not improve. λ = 0 is plain maximum likelihood (it matches R's `glm(family =
 * binomial)`). The design is sparse (row-compressed): a scorecard row holds one active bin per variable, so
 * building XᵀWX costs (active columns)² per row, not (all columns)².
 */

/** A row-compressed design matrix. Column 0 is the intercept and must be set (1) in every row. */
export interface Design {
  readonly rows: number;
  readonly cols: number;
  /** Row r's entries are rowStart[r] … rowStart[r+1]-1. */
  readonly rowStart: Int32Array;
  readonly colIndex: Int32Array;
  /** Entry values; null means every entry is 1 (one-hot bins). */
  readonly values: Float64Array | null;
}

/** Builds a design from dense rows, prepending the intercept column. */
export function denseDesign(rows: readonly (readonly number[])[]): Design {
  const n = rows.length;
  const k = (rows[0]?.length ?? 0) + 1;
  const rowStart = new Int32Array(n + 1);
  const colIndex = new Int32Array(n * k);
  const values = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    rowStart[r] = r * k;
    colIndex[r * k] = 0;
    values[r * k] = 1;
    for (let j = 1; j < k; j++) {
      colIndex[r * k + j] = j;
      values[r * k + j] = rows[r]![j - 1]!;
    }
  }
  rowStart[n] = n * k;
  return { rows: n, cols: k, rowStart, colIndex, values };
}

/** Builds a one-hot design from each row's active columns (1 … cols-1, each at most once; the intercept 0 is added). */
export function oneHotDesign(active: readonly (readonly number[])[], cols: number): Design {
  const n = active.length;
  let nnz = 0;
  for (const a of active) nnz += a.length + 1;
  const rowStart = new Int32Array(n + 1);
  const colIndex = new Int32Array(nnz);
  let k = 0;
  for (let r = 0; r < n; r++) {
    rowStart[r] = k;
    colIndex[k++] = 0;
    const sorted = [...active[r]!].sort((a, b) => a - b);
    for (let j = 0; j < sorted.length; j++) {
      const c = sorted[j]!;
      if (c <= 0 || c >= cols || (j > 0 && c === sorted[j - 1]))
        throw new Error(`bad column ${c} in row ${r}`);
      colIndex[k++] = c;
    }
  }
  rowStart[n] = k;
  return { rows: n, cols, rowStart, colIndex, values: null };
}

/** The rows of a design listed in `pick`, in that order. */
export function subsetDesign(d: Design, pick: ArrayLike<number>): Design {
  let nnz = 0;
  for (let i = 0; i < pick.length; i++) nnz += d.rowStart[pick[i]! + 1]! - d.rowStart[pick[i]!]!;
  const rowStart = new Int32Array(pick.length + 1);
  const colIndex = new Int32Array(nnz);
  const values = d.values ? new Float64Array(nnz) : null;
  let k = 0;
  for (let i = 0; i < pick.length; i++) {
    rowStart[i] = k;
    for (let e = d.rowStart[pick[i]!]!; e < d.rowStart[pick[i]! + 1]!; e++) {
      colIndex[k] = d.colIndex[e]!;
      if (values) values[k] = d.values![e]!;
      k++;
    }
  }
  rowStart[pick.length] = k;
  return { rows: pick.length, cols: d.cols, rowStart, colIndex, values };
}

export interface FitOptions {
  /** L2 penalty λ on every coefficient but the intercept (column 0). Default 0. */
  readonly lambda?: number;
  /** Case weights (default 1 each). */
  readonly weights?: ArrayLike<number>;
  /** Starting coefficients (warm start). */
  readonly start?: ArrayLike<number>;
  readonly maxIterations?: number;
  /** Converged when no coefficient moves more than tolerance × (1 + its size). Default 1e-10. */
  readonly tolerance?: number;
  /** Also return standard errors: the square roots of the diagonal of (XᵀWX + λI′)⁻¹. */
  readonly standardErrors?: boolean;
}

export interface LogisticFit {
  readonly coefficients: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** −2 × log-likelihood (without the penalty). */
  readonly deviance: number;
  readonly standardErrors?: Float64Array;
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** η = Xβ for every row. */
export function linearPredictor(
  d: Design,
  beta: ArrayLike<number>,
  out: Float64Array = new Float64Array(d.rows),
): Float64Array {
  const { rowStart, colIndex, values } = d;
  for (let r = 0; r < d.rows; r++) {
    let eta = 0;
    const end = rowStart[r + 1]!;
    if (values) for (let e = rowStart[r]!; e < end; e++) eta += values[e]! * beta[colIndex[e]!]!;
    else for (let e = rowStart[r]!; e < end; e++) eta += beta[colIndex[e]!]!;
    out[r] = eta;
  }
  return out;
}

/** In-place Cholesky of a symmetric p×p matrix (lower triangle used). False when not positive definite. */
export function cholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let s = a[j * p + j]!;
    for (let k = 0; k < j; k++) s -= a[j * p + k]! * a[j * p + k]!;
    if (!(s > 0) || !Number.isFinite(s)) return false;
    const ljj = Math.sqrt(s);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let t = a[i * p + j]!;
      for (let k = 0; k < j; k++) t -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = t / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (b becomes x), L from `cholesky`. */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
  return b;
}

/** Penalised log-likelihood and the unpenalised deviance at β. */
function objective(
  d: Design,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
  beta: Float64Array,
  lambda: number,
  eta: Float64Array,
): { penalised: number; deviance: number } {
  linearPredictor(d, beta, eta);
  let ll = 0;
  for (let r = 0; r < d.rows; r++) {
    const e = eta[r]!;
    ll += (w ? w[r]! : 1) * (y[r]! * e - softplus(e));
  }
  let pen = 0;
  for (let j = 1; j < beta.length; j++) pen += beta[j]! * beta[j]!;
  return { penalised: ll - (lambda / 2) * pen, deviance: -2 * ll };
}

/** Accumulates XᵀWX (lower triangle, p×p) and Xᵀ(w·(y − p)) at the current η. */
function normalEquations(
  d: Design,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
  eta: Float64Array,
  h: Float64Array,
  g: Float64Array,
): void {
  const p = d.cols;
  h.fill(0);
  g.fill(0);
  const { rowStart, colIndex, values } = d;
  for (let r = 0; r < d.rows; r++) {
    const mu = sigmoid(eta[r]!);
    const wr = w ? w[r]! : 1;
    const wt = wr * mu * (1 - mu);
    const resid = wr * (y[r]! - mu);
    const start = rowStart[r]!;
    const end = rowStart[r + 1]!;
    if (values) {
      for (let a = start; a < end; a++) {
        const ca = colIndex[a]!;
        const va = values[a]!;
        g[ca] = g[ca]! + va * resid;
        const wa = wt * va;
        for (let b = start; b < end; b++) {
          const cb = colIndex[b]!;
          if (cb <= ca) h[ca * p + cb] = h[ca * p + cb]! + wa * values[b]!;
        }
      }
    } else {
      // Columns within a row ascend (oneHotDesign), so b ≤ a is the lower triangle.
      for (let a = start; a < end; a++) {
        const ca = colIndex[a]!;
        g[ca] = g[ca]! + resid;
        const row = ca * p;
        for (let b = start; b <= a; b++) {
          const cb = row + colIndex[b]!;
          h[cb] = h[cb]! + wt;
        }
      }
    }
  }
}

/** Fits the penalised logistic regression; see the module comment. */
export function fitLogistic(d: Design, y: ArrayLike<number>, options: FitOptions = {}): LogisticFit {
  const p = d.cols;
  const lambda = options.lambda ?? 0;
  const w = options.weights;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const beta = new Float64Array(p);
  if (options.start) beta.set(Array.from(options.start).slice(0, p));
  else {
    // Start at the intercept of the base rate: one step closer, and exp() stays tame.
    let sy = 0;
    let sw = 0;
    for (let r = 0; r < d.rows; r++) {
      const wr = w ? w[r]! : 1;
      sy += wr * y[r]!;
      sw += wr;
    }
    const rate = Math.min(1 - 1e-6, Math.max(1e-6, sy / sw));
    beta[0] = Math.log(rate / (1 - rate));
  }
  const eta = new Float64Array(d.rows);
  const h = new Float64Array(p * p);
  const g = new Float64Array(p);
  const trial = new Float64Array(p);
  let current = objective(d, y, w, beta, lambda, eta);
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    normalEquations(d, y, w, eta, h, g);
    for (let j = 1; j < p; j++) {
      h[j * p + j] = h[j * p + j]! + lambda;
      g[j] = g[j]! - lambda * beta[j]!;
    }
    // A column that never occurs (or perfect separation without a penalty) leaves H singular: a tiny ridge
    // keeps the step defined without moving a well-posed fit.
    let jitter = 0;
    const hCopy = h.slice();
    while (!cholesky(h, p)) {
      jitter = jitter === 0 ? 1e-10 : jitter * 100;
      if (jitter > 1e6) throw new Error('logistic regression: the information matrix is singular');
      h.set(hCopy);
      for (let j = 0; j < p; j++) h[j * p + j] = h[j * p + j]! + jitter * (1 + hCopy[j * p + j]!);
    }
    const delta = choleskySolve(h, p, g.slice());
    let step = 1;
    let next = current;
    for (let halvings = 0; halvings < 30; halvings++) {
      for (let j = 0; j < p; j++) trial[j] = beta[j]! + step * delta[j]!;
      next = objective(d, y, w, trial, lambda, eta);
      if (next.penalised >= current.penalised - 1e-12 * Math.abs(current.penalised)) break;
      step /= 2;
    }
    let maxMove = 0;
    for (let j = 0; j < p; j++) {
      const move = Math.abs(trial[j]! - beta[j]!) / (1 + Math.abs(beta[j]!));
      if (move > maxMove) maxMove = move;
      beta[j] = trial[j]!;
    }
    const gain = next.penalised - current.penalised;
    current = next;
    converged = maxMove < tolerance || (gain >= 0 && gain < 1e-13 * (1 + Math.abs(current.penalised)));
  }
  const fit: LogisticFit = { coefficients: beta, iterations, converged, deviance: current.deviance };
  if (!options.standardErrors) return fit;
  linearPredictor(d, beta, eta);
  normalEquations(d, y, w, eta, h, g);
  for (let j = 1; j < p; j++) h[j * p + j] = h[j * p + j]! + lambda;
  if (!cholesky(h, p)) return fit;
  const se = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const e = new Float64Array(p);
    e[j] = 1;
    se[j] = Math.sqrt(choleskySolve(h, p, e)[j]!);
  }
  return { ...fit, standardErrors: se };
}

/** Predicted probabilities σ(Xβ). */
export function predictProbabilities(d: Design, beta: ArrayLike<number>): Float64Array {
  const eta = linearPredictor(d, beta);
  for (let r = 0; r < eta.length; r++) eta[r] = sigmoid(eta[r]!);
  return eta;
}

/** One-feature logistic regression p = σ(a + b·x) (Platt scaling of a score). */
export function fitPlatt(x: ArrayLike<number>, y: ArrayLike<number>): { intercept: number; slope: number } {
  // Centre and scale x so Newton starts well-conditioned, then map back.
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length || 1;
  let sd = 0;
  for (let i = 0; i < x.length; i++) sd += (x[i]! - mean) ** 2;
  sd = Math.sqrt(sd / (x.length || 1)) || 1;
  const rows = Array.from({ length: x.length }, (_, i) => [(x[i]! - mean) / sd]);
  // A hair of penalty keeps a perfectly separating score finite.
  const fit = fitLogistic(denseDesign(rows), y, { lambda: 1e-6 });
  const b = fit.coefficients[1]! / sd;
  return { intercept: fit.coefficients[0]! - b * mean, slope: b };
}
