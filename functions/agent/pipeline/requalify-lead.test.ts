/**
 * Re-qualifying old nurtured leads: the daily job queues the ones whose enrichment is older than the setting,
 * the qualify queue's message enriches afresh and records a `requalify:<date>` version with the new enrichment,
 * once a day at most; a tier that rises sends the lead back to routing.
 */
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { bypassingCache, InMemoryEnrichmentCache } from '../enrich/cache';
import type { Enrichment } from '../enrichment';
import type { LeadRecord } from '../lead-record';
import { scoreEnrichedLead } from '../score';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { requalifyDue, requalifyLead } from './requalify-lead';
import { runDailyRescore } from './rescore-lead';

const NOW = new Date('2026-06-10T03:00:00.000Z');
const rules = shippedRules();
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

/** What enrichment found back then: no registry, website or intent answer. */
const oldEnrichment = (): Enrichment => ({
  ...sampleEnrichment(),
  registry: null,
  website: null,
  intent: null,
  jobs: null,
});

const nurtured = (
  n: number,
  enrichedDaysAgo: number,
  status: LeadRecord['status'] = 'nurture',
): LeadRecord => {
  const lead = { ...sampleLead(), activities: [] };
  const at = daysAgo(enrichedDaysAgo);
  return {
    leadId: `01JREQ${String(n).padStart(20, '0')}`,
    status,
    receivedAt: at,
    provider: 'json',
    dedupKey: `d${n}`,
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: oldEnrichment(),
    score: scoreEnrichedLead(lead, oldEnrichment(), rules, new Date(at)),
    scoreVersion: 1,
    route: {
      kind: 'nurture',
      ownerId: 'marketing',
      ruleId: 'threshold',
      reason: 'Below the minimum tier',
      routingVersion: '1',
      assignedAt: at,
    },
    steps: { enrich: { ms: 900, at } },
  };
};

const setup = (records: LeadRecord[]) => {
  const store = new InMemoryLeadStore(() => NOW);
  for (const r of records) store.seed(r);
  const qualifyQueue = new RecordingQueue();
  const fresh: string[] = [];
  const deps = {
    store,
    rules: () => rules,
    now: () => NOW,
    qualifyQueue,
    afterDays: 90,
    enrichFresh: async (lead: LeadRecord['lead']) => {
      fresh.push(lead.company.domain ?? '');
      return sampleEnrichment();
    },
  };
  return { store, qualifyQueue, fresh, deps };
};

describe('re-qualification of old nurtured leads', () => {
  it('the daily job queues only nurtured leads enriched longer ago than the setting, instead of their re-score', async () => {
    // Prepare: 100 and 30 days old in nurture, 100 days old with a rep
    const old = nurtured(1, 100);
    const recent = nurtured(2, 30);
    const owned = {
      ...nurtured(3, 100, 'routed'),
      route: { ...nurtured(3, 100).route!, kind: 'owner' as const, ownerId: 'rep-anna' },
    };
    const { store, qualifyQueue } = setup([old, recent, owned]);
    const daily = {
      store,
      rules: () => rules,
      now: () => NOW,
      ownerIds: ['marketing', 'rep-anna'],
      requalify: { afterDays: 90, queue: qualifyQueue },
    };
    // Act
    const result = await runDailyRescore(daily);
    // Assess
    expect(qualifyQueue.sent).toEqual([{ leadId: old.leadId, requalify: true }]);
    expect(result).toMatchObject({ leads: 3, requalifying: 1 });
    expect(await store.scoreHistory(old.leadId)).toEqual([]);
    expect((await store.scoreHistory(recent.leadId))[0]?.cause).toBe('daily:2026-06-10');
  });

  it('is off when the setting is null, and never applies to a lead that left nurture', () => {
    expect(requalifyDue(nurtured(1, 400), null, NOW)).toBe(false);
    expect(requalifyDue(nurtured(1, 400, 'won'), 90, NOW)).toBe(false);
    expect(requalifyDue(nurtured(1, 90), 90, NOW)).toBe(true);
    expect(requalifyDue(nurtured(1, 89), 90, NOW)).toBe(false);
  });

  it('enriches afresh and stores the enrichment with a requalify version (ledger, delta), once a day', async () => {
    // Prepare
    const old = nurtured(1, 100);
    const { store, fresh, deps } = setup([old]);
    // Act
    const first = await requalifyLead(old.leadId, deps);
    const again = await requalifyLead(old.leadId, deps);
    // Assess
    expect(first).toMatchObject({ outcome: 'rescored', version: 2 });
    expect(again).toEqual({ outcome: 'skipped', reason: 'not due' });
    expect(fresh).toHaveLength(1);
    const record = (await store.get(old.leadId))!;
    expect(record.enrichment).toEqual(sampleEnrichment());
    expect(record.steps.enrich?.at).toBe(NOW.toISOString());
    const [latest, qualified] = await store.scoreHistory(old.leadId);
    expect(latest).toMatchObject({ version: 2, cause: 'requalify:2026-06-10' });
    expect(qualified).toMatchObject({ version: 1, cause: 'qualify' });
    expect(latest!.delta.total).toBe(latest!.score.total - old.score!.total);
    // Scored from the fresh answers: more than the old enrichment is worth today
    expect(latest!.score.total).toBeGreaterThan(
      scoreEnrichedLead(old.lead, oldEnrichment(), rules, NOW).total,
    );
    expect(latest!.score.ledger.some((l) => l.awarded !== 0)).toBe(true);
  });

  it('records no second requalify version the same day, even when asked again', async () => {
    // Prepare: the lead was re-qualified today, then (say) its enrichment marker was restored
    const old = nurtured(1, 100);
    const { store, deps } = setup([old]);
    await requalifyLead(old.leadId, deps);
    store.records.get(old.leadId)!.steps = { enrich: { ms: 900, at: daysAgo(100) } };
    // Act
    const again = await requalifyLead(old.leadId, deps);
    // Assess
    expect(again).toMatchObject({ outcome: 'unchanged', reason: 'cause recorded' });
    expect((await store.scoreHistory(old.leadId)).map((v) => v.cause)).toEqual([
      'requalify:2026-06-10',
      'qualify',
    ]);
  });

  it('routes the lead again when the fresh enrichment raises its tier', async () => {
    // Prepare: qualified cold back then
    const old = nurtured(1, 100);
    const cold = { ...old, score: { ...old.score!, tier: 'cold' as const } };
    const { store, qualifyQueue, deps } = setup([cold]);
    // Act
    const result = await requalifyLead(old.leadId, deps);
    // Assess
    expect(result).toMatchObject({ outcome: 'rescored', rerouted: true });
    expect((await store.scoreHistory(old.leadId))[0]?.delta.tierFrom).toBe('cold');
    expect(qualifyQueue.sent).toEqual([{ leadId: old.leadId }]);
    expect((await store.get(old.leadId))?.status).not.toBe('nurture');
  });

  it('a bypassing cache answers nothing but stores the fresh answers', async () => {
    // Prepare
    const cache = new InMemoryEnrichmentCache();
    await cache.put('website:acme.nl', { v: 'old' }, 60);
    const bypass = bypassingCache(cache)!;
    // Act
    const hit = await bypass.get('website:acme.nl');
    await bypass.put('website:acme.nl', { v: 'new' }, 60);
    // Assess
    expect(hit).toBeUndefined();
    expect(await cache.get('website:acme.nl')).toEqual({ v: 'new' });
  });
});
