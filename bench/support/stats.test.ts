import { describe, expect, it } from 'vitest';
import { formatTable } from './report';
import { percentile, summarize } from './stats';

describe('bench stats', () => {
  it('nearest-rank percentiles of 1..100', () => {
    // Prepare
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    // Act
    const p = [0, 50, 95, 99, 100].map((q) => percentile(sorted, q));
    // Assess
    expect(p).toEqual([1, 50, 95, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarize sorts numerically and rounds', () => {
    // Act
    const s = summarize([10, 2, 33.3333, 4]);
    // Assess
    expect(s).toMatchObject({ n: 4, min: 2, max: 33.33, p50: 4, p99: 33.33 });
  });

  it('formats an aligned table', () => {
    // Act
    const t = formatTable(
      ['level', 'p99'],
      [
        ['c1', 5],
        ['c50', 120.5],
      ],
    );
    // Assess
    expect(t.split('\n')).toEqual(['level    p99', '-----  -----', 'c1         5', 'c50    120.5']);
  });
});
