import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHALLENGER_23, CHALLENGER_24 } from '../testing/learn/challenger';
import {
  denseDesign,
  fitLogistic,
  fitPlatt,
  linearPredictor,
  oneHotDesign,
  predictProbabilities,
} from './logistic';
import { seededRng } from './random';

const within = (digits: number) => 0.5 * 10 ** -digits + 1e-12;

describe('fitLogistic against published results', () => {
  it.each([
    ['24 launches (Montgomery & Runger)', CHALLENGER_24],
    ['23 launches (alr4 Challeng)', CHALLENGER_23],
  ])('reproduces R glm() coefficients and standard errors for the Challenger O-ring data, %s', (_, data) => {
    // Prepare
    const design = denseDesign(data.temperature.map((t) => [t]));
    // Act
    const fit = fitLogistic(design, data.failure, { standardErrors: true });
    // Assess: coefficients equal to the published figures to the digits printed (±half a unit in the last
    // digit); R's standard errors come from the working weights of its last iteration, so relative 1e-4
    const tol = within(data.published.digits);
    const seTol = (se: number) => Math.max(tol, se * 1e-4);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.coefficients[0]! - data.published.intercept)).toBeLessThanOrEqual(tol);
    expect(Math.abs(fit.coefficients[1]! - data.published.temperature)).toBeLessThanOrEqual(tol);
    const se = fit.standardErrors!;
    expect(Math.abs(se[0]! - data.published.interceptSe)).toBeLessThanOrEqual(
      seTol(data.published.interceptSe),
    );
    expect(Math.abs(se[1]! - data.published.temperatureSe)).toBeLessThanOrEqual(
      seTol(data.published.temperatureSe),
    );
  });

  it('reports the residual deviance R prints for the 24 launches', () => {
    // Prepare
    const d = CHALLENGER_24;
    // Act
    const fit = fitLogistic(denseDesign(d.temperature.map((t) => [t])), d.failure);
    const nullFit = fitLogistic(denseDesign(d.temperature.map(() => [])), d.failure);
    // Assess
    expect(fit.deviance).toBeCloseTo(d.published.residualDeviance, 2);
    expect(nullFit.deviance).toBeCloseTo(d.published.nullDeviance, 3);
  });
});

describe('fitLogistic with an L2 penalty', () => {
  /** A one-hot data set: 3 variables with 3, 4 and 2 levels, outcome from known effects. */
  function oneHotData(n: number, seed: number) {
    const rng = seededRng(seed);
    const effects = [
      [0, 1.5, -1],
      [0.5, 0, -0.5, 2],
      [0, 0.8],
    ];
    const offsets = [1, 4, 8];
    const active: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const levels = effects.map((e) => Math.floor(rng() * e.length));
      const eta = -0.7 + levels.reduce((s, l, v) => s + effects[v]![l]!, 0);
      active.push(levels.map((l, v) => offsets[v]! + l));
      y.push(rng() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    }
    return { design: oneHotDesign(active, 10), y };
  }

  it('satisfies the penalised score equations Xᵀ(y − p) = λβ, and Σ(y − p) = 0 for the free intercept', () => {
    // Prepare
    const { design, y } = oneHotData(3000, 7);
    for (const lambda of [0.5, 5, 50]) {
      // Act
      const fit = fitLogistic(design, y, { lambda });
      // Assess
      const p = predictProbabilities(design, fit.coefficients);
      const grad = new Float64Array(design.cols);
      for (let r = 0; r < design.rows; r++)
        for (let e = design.rowStart[r]!; e < design.rowStart[r + 1]!; e++)
          grad[design.colIndex[e]!]! += y[r]! - p[r]!;
      expect(Math.abs(grad[0]!)).toBeLessThan(1e-7);
      for (let j = 1; j < design.cols; j++)
        expect(grad[j]! - lambda * fit.coefficients[j]!).toBeCloseTo(0, 6);
    }
  });

  it('shrinks harder with a larger λ and keeps a level that never occurs at exactly 0', () => {
    // Prepare
    const { design, y } = oneHotData(2000, 3);
    // Act
    const loose = fitLogistic(design, y, { lambda: 0.1 });
    const tight = fitLogistic(design, y, { lambda: 500 });
    // Assess: column 10 does not exist in the data (cols = 10 means 0..9; level 9 is the last used)
    const norm = (b: Float64Array) => b.slice(1).reduce((s, v) => s + v * v, 0);
    expect(norm(tight.coefficients)).toBeLessThan(norm(loose.coefficients) / 4);
  });

  it('recovers the true level contrasts from a large sample', () => {
    // Prepare
    const { design, y } = oneHotData(40_000, 11);
    // Act
    const b = fitLogistic(design, y, { lambda: 1 }).coefficients;
    // Assess: differences within a variable are identified; each within ~3 standard errors of the truth
    expect(Math.abs(b[2]! - b[1]! - 1.5)).toBeLessThan(0.15);
    expect(Math.abs(b[3]! - b[1]! + 1)).toBeLessThan(0.15);
    expect(Math.abs(b[7]! - b[5]! - 2)).toBeLessThan(0.15);
    expect(Math.abs(b[9]! - b[8]! - 0.8)).toBeLessThan(0.15);
  });

  it('stays finite under perfect separation without a penalty (fuzz over small data sets)', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.boolean()), {
          minLength: 2,
          maxLength: 30,
        }),
        (pts) => {
          const design = denseDesign(pts.map(([x]) => [x]));
          const fit = fitLogistic(
            design,
            pts.map(([, b]) => (b ? 1 : 0)),
            { maxIterations: 60 },
          );
          for (const v of linearPredictor(design, fit.coefficients)) expect(Number.isNaN(v)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('fitPlatt', () => {
  it('maps a score to the probability it was generated with', () => {
    // Prepare
    const rng = seededRng(5);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = Math.floor(rng() * 100);
      x.push(s);
      y.push(rng() < 1 / (1 + Math.exp(-(-3 + 0.06 * s))) ? 1 : 0);
    }
    // Act
    const fit = fitPlatt(x, y);
    // Assess
    expect(fit.intercept).toBeCloseTo(-3, 0);
    expect(fit.slope).toBeCloseTo(0.06, 2);
  });
});
