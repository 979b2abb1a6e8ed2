import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { seededRng } from '../learn/random';
import type { Tier } from '../qualification';
import { InMemoryFalseNegativeStore } from '../testing/memory-false-negatives';
import { sampleScore } from '../testing/samples';
import { answerReview, drawSample, SAMPLE_SIZE, summarize } from './false-negatives';

const lead = (id: string, tier: Tier, receivedAt: string): LeadRecord =>
  ({
    leadId: id,
    status: tier === 'cold' ? 'nurture' : 'routed',
    receivedAt,
    score: { ...sampleScore(), tier },
    steps: {},
  }) as unknown as LeadRecord;

/** February: 30 cold and 10 warm leads; March: 5 cold. */
const records = [
  ...Array.from({ length: 30 }, (_, i) =>
    lead(`feb-cold-${i}`, 'cold', `2026-02-${String((i % 27) + 1).padStart(2, '0')}T10:00:00.000Z`),
  ),
  ...Array.from({ length: 10 }, (_, i) => lead(`feb-warm-${i}`, 'warm', '2026-02-10T10:00:00.000Z')),
  ...Array.from({ length: 5 }, (_, i) => lead(`mar-cold-${i}`, 'cold', '2026-03-03T10:00:00.000Z')),
];

const deps = (store: InMemoryFalseNegativeStore, now = '2026-03-05T06:00:00Z', seed = 7) => {
  let reads = 0;
  return {
    deps: {
      store,
      leads: async () => {
        reads++;
        return { records, qualifiedFrom: 'warm' as const };
      },
      now: () => new Date(now),
      random: seededRng(seed),
    },
    reads: () => reads,
  };
};

describe('false-negative sample', () => {
  it('draws 20 random leads below the sales threshold from last month, once a month', async () => {
    // Prepare
    const store = new InMemoryFalseNegativeStore();
    const first = deps(store);
    const again = deps(store, '2026-03-20T06:00:00Z', 99);
    // Act
    const drawn = await drawSample(first.deps, 'monthly', 'schedule');
    const second = await drawSample(again.deps, 'monthly', 'schedule');
    // Assess
    expect(drawn).toMatchObject({ created: true, sample: { id: '2026-02', eligible: 30 } });
    expect(drawn.sample.leads).toHaveLength(SAMPLE_SIZE);
    expect(new Set(drawn.sample.leads.map((l) => l.leadId)).size).toBe(SAMPLE_SIZE);
    expect(drawn.sample.leads.every((l) => l.leadId.startsWith('feb-cold-'))).toBe(true);
    expect(second.created).toBe(false);
    expect(second.sample.leads).toEqual(drawn.sample.leads);
    expect(again.reads()).toBe(0);
  });

  it('draws at random: another seed picks another set', async () => {
    // Act
    const a = await drawSample(deps(new InMemoryFalseNegativeStore(), undefined, 1).deps, 'monthly', 'x');
    const b = await drawSample(deps(new InMemoryFalseNegativeStore(), undefined, 2).deps, 'monthly', 'x');
    // Assess
    expect(a.sample.leads.map((l) => l.leadId).sort()).not.toEqual(
      b.sample.leads.map((l) => l.leadId).sort(),
    );
  });

  it('records answers and raises the alarm when more than 10 % should have gone to sales', async () => {
    // Prepare
    const store = new InMemoryFalseNegativeStore();
    const { sample } = await drawSample(deps(store).deps, 'on_demand', 'mgr-sofie');
    const at = new Date('2026-03-06T10:00:00Z');
    // Act
    for (const [i, l] of sample.leads.slice(0, 10).entries())
      await answerReview(store, {
        sampleId: sample.id,
        leadId: l.leadId,
        shouldHaveGoneToSales: i < 2,
        by: 'mgr-sofie',
        at,
      });
    const answered = (await store.getSample(sample.id))!;
    const stranger = answerReview(store, {
      sampleId: sample.id,
      leadId: 'not-sampled',
      shouldHaveGoneToSales: true,
      by: 'mgr-sofie',
      at,
    });
    // Assess
    expect(sample.leads.length).toBeLessThanOrEqual(SAMPLE_SIZE);
    expect(summarize(answered)).toMatchObject({ answered: 10, flagged: 2, share: 0.2, alarm: true });
    await expect(stranger).rejects.toThrow(DomainError);
  });

  it('refuses an on-demand draw when nothing scored below the threshold', async () => {
    // Prepare
    const store = new InMemoryFalseNegativeStore();
    const none = {
      ...deps(store).deps,
      leads: async () => ({ records: [], qualifiedFrom: 'warm' as const }),
    };
    // Act + Assess
    await expect(drawSample(none, 'on_demand', 'mgr-sofie')).rejects.toThrow(/below the sales threshold/);
  });
});
