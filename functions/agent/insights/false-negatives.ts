/**
 * The false-negative sample: every month (and on demand) 20 leads scored below the sales threshold are
 * drawn at random for a manager to review — "should this have gone to sales?". The share flagged yes is the
 * false-negative rate the rules cause; over 10 % means the rules are too strict. Pure: the storage is a port.
 */
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { FALSE_NEGATIVE_ALARM, wilson } from '../learn/tiers';
import type { Tier } from '../qualification';

export const SAMPLE_SIZE = 20;
const RANK: Record<Tier, number> = { cold: 0, warm: 1, hot: 2 };

export interface SampledLead {
  readonly leadId: string;
  readonly tier: Tier;
  readonly total: number;
  readonly rulesVersion: string;
  readonly company?: string;
  readonly receivedAt: string;
}

export interface ReviewAnswer {
  readonly shouldHaveGoneToSales: boolean;
  readonly by: string;
  readonly at: string;
  readonly note?: string;
}

export interface FalseNegativeSample {
  /** `2026-03` for the monthly sample, `2026-03-10T09:00:00.000Z` for one drawn on demand. */
  readonly id: string;
  readonly kind: 'monthly' | 'on_demand';
  readonly createdAt: string;
  readonly createdBy: string;
  /** The leads received in this window were eligible. */
  readonly from: string;
  readonly to: string;
  readonly eligible: number;
  readonly leads: readonly SampledLead[];
  readonly answers: Readonly<Record<string, ReviewAnswer>>;
}

export interface SampleSummary {
  readonly answered: number;
  readonly flagged: number;
  /** Share flagged of those answered (null before any answer). */
  readonly share: number | null;
  readonly ci95: readonly [number, number] | null;
  /** Over 10 %. */
  readonly alarm: boolean;
  readonly alarmAbove: number;
}

/** The review queue's storage. Adapters: DynamoDB (functions/platform) and memory (testing). */
export interface FalseNegativeStore {
  /** Stores a new sample; false when one with this id exists already (nothing written). */
  createSample(sample: FalseNegativeSample): Promise<boolean>;
  getSample(id: string): Promise<FalseNegativeSample | undefined>;
  /** Newest first. */
  listSamples(limit: number): Promise<FalseNegativeSample[]>;
  /** Records one answer (a later answer by anyone replaces it). */
  recordAnswer(id: string, leadId: string, answer: ReviewAnswer): Promise<void>;
}

export const summarize = (sample: FalseNegativeSample): SampleSummary => {
  const answers = Object.values(sample.answers);
  const flagged = answers.filter((a) => a.shouldHaveGoneToSales).length;
  const share = answers.length ? flagged / answers.length : null;
  return {
    answered: answers.length,
    flagged,
    share: share === null ? null : Math.round(share * 10_000) / 10_000,
    ci95: answers.length ? [wilson(flagged, answers.length, -1), wilson(flagged, answers.length, 1)] : null,
    alarm: share !== null && share > FALSE_NEGATIVE_ALARM,
    alarmAbove: FALSE_NEGATIVE_ALARM,
  };
};

/** Leads below `qualifiedFrom` (their effective tier), received in [from, to). */
export const belowThreshold = (
  records: readonly LeadRecord[],
  qualifiedFrom: Tier,
  from: string,
  to: string,
): LeadRecord[] =>
  records.filter((r) => {
    const tier = r.override?.tier ?? r.score?.tier;
    return (
      tier !== undefined && RANK[tier] < RANK[qualifiedFrom] && r.receivedAt >= from && r.receivedAt < to
    );
  });

/** `size` of `items` drawn at random without replacement (partial Fisher–Yates). */
export const drawAtRandom = <T>(items: readonly T[], size: number, random: () => number): T[] => {
  const pool = [...items];
  const n = Math.min(size, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
};

const monthStart = (d: Date, offset = 0) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));

export interface DrawDeps {
  readonly store: FalseNegativeStore;
  /** The routed leads and the lowest tier that goes to sales (read only when a sample is drawn). */
  readonly leads: () => Promise<{ readonly records: readonly LeadRecord[]; readonly qualifiedFrom: Tier }>;
  readonly now: () => Date;
  readonly random: () => number;
}

/**
 * Draws a sample. `monthly`: the previous calendar month's leads, once per month (id `YYYY-MM` of that month;
 * a second call that month returns the existing sample). `on_demand`: the last 30 days' leads, a new sample.
 */
export const drawSample = async (
  deps: DrawDeps,
  kind: 'monthly' | 'on_demand',
  by: string,
): Promise<{ sample: FalseNegativeSample; created: boolean }> => {
  const now = deps.now();
  const from = kind === 'monthly' ? monthStart(now, -1) : new Date(now.getTime() - 30 * 86_400_000);
  const to = kind === 'monthly' ? monthStart(now) : now;
  const id = kind === 'monthly' ? from.toISOString().slice(0, 7) : now.toISOString();
  if (kind === 'monthly') {
    const existing = await deps.store.getSample(id);
    if (existing) return { sample: existing, created: false };
  }
  const { records, qualifiedFrom } = await deps.leads();
  const eligible = belowThreshold(records, qualifiedFrom, from.toISOString(), to.toISOString());
  if (kind === 'on_demand' && eligible.length === 0)
    throw new DomainError('unprocessable', 'No lead of the last 30 days scored below the sales threshold', {
      field: 'sample',
    });
  const picked = drawAtRandom(eligible, SAMPLE_SIZE, deps.random);
  const sample: FalseNegativeSample = {
    id,
    kind,
    createdAt: now.toISOString(),
    createdBy: by,
    from: from.toISOString(),
    to: to.toISOString(),
    eligible: eligible.length,
    leads: picked.map((r) => ({
      leadId: r.leadId,
      tier: (r.override?.tier ?? r.score?.tier) as Tier,
      total: r.override?.total ?? r.score?.total ?? 0,
      rulesVersion: r.score?.rulesVersion ?? '',
      ...(r.lead?.company?.name ? { company: r.lead.company.name } : {}),
      receivedAt: r.receivedAt,
    })),
    answers: {},
  };
  const created = await deps.store.createSample(sample);
  if (!created) {
    const existing = await deps.store.getSample(id);
    if (existing) return { sample: existing, created: false };
  }
  return { sample, created };
};

/** A manager's answer to "should this have gone to sales?" for one sampled lead. */
export const answerReview = async (
  store: FalseNegativeStore,
  input: {
    sampleId: string;
    leadId: string;
    shouldHaveGoneToSales: boolean;
    note?: string;
    by: string;
    at: Date;
  },
): Promise<FalseNegativeSample> => {
  const sample = await store.getSample(input.sampleId);
  if (!sample) throw new DomainError('not_found', `No sample ${input.sampleId}`, { field: 'sampleId' });
  if (!sample.leads.some((l) => l.leadId === input.leadId))
    throw new DomainError('invalid', 'That lead is not in this sample', { field: 'leadId' });
  await store.recordAnswer(input.sampleId, input.leadId, {
    shouldHaveGoneToSales: input.shouldHaveGoneToSales,
    by: input.by,
    at: input.at.toISOString(),
    ...(input.note ? { note: input.note } : {}),
  });
  return (await store.getSample(input.sampleId))!;
};
