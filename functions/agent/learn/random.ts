/** Seeded randomness for reproducible splits and folds (mulberry32: small, fast, good enough for sampling). */

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * Stratified split of row indices into train and test: `testShare` of the positives and of the negatives
 * go to test, so both keep the history's positive rate. Indices come back sorted.
 */
export function stratifiedSplit(
  outcomes: ArrayLike<number>,
  testShare: number,
  rng: Rng,
): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < outcomes.length; i++) if (outcomes[i] === cls) idx.push(i);
    shuffle(idx, rng);
    const nTest = Math.round(idx.length * testShare);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Stratified k folds: the fold number (0..k-1) of each position in `outcomes`. */
export function stratifiedFolds(outcomes: ArrayLike<number>, k: number, rng: Rng): Int32Array {
  const fold = new Int32Array(outcomes.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < outcomes.length; i++) if (outcomes[i] === cls) idx.push(i);
    shuffle(idx, rng);
    idx.forEach((row, j) => {
      fold[row] = j % k;
    });
  }
  return fold;
}
