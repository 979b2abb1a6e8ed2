/**
 * Account signals by company domain: kept once per domain and id, applied to every lead of the company through
 * a debounced re-score (with the signal as the ledger's evidence), and to a later lead of the company through
 * the intent source its qualification reads.
 */
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { accountDomain, withAccountIntent } from '../account-signals';
import { InMemoryEnrichmentCache, StaticIntentSignalSource } from '../enrich';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { scoreEnrichedLead } from '../score';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { ingestSignals, intentCacheKey } from './account-signals';
import { rescoreLead } from './rescore-lead';

const NOW = new Date('2026-03-20T10:00:00.000Z');
const rules = shippedRules();

const record = (leadId: string, domain: string): LeadRecord => {
  const base = sampleLead();
  const lead = { ...base, activities: [], company: { ...base.company, domain } };
  return {
    leadId,
    status: 'drafted',
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: leadId,
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: scoreEnrichedLead(lead, sampleEnrichment(), rules, new Date('2026-03-02T08:14:05.000Z')),
    scoreVersion: 1,
    steps: {},
  };
};

const setup = () => {
  const store = new InMemoryLeadStore(() => NOW);
  store.seed(record('L1', 'bakkerlogistiek.nl'));
  store.seed(record('L2', 'bakkerlogistiek.nl'));
  store.seed(record('L3', 'elders.example'));
  const rescoreQueue = new RecordingQueue();
  const cache = new InMemoryEnrichmentCache(() => NOW.getTime());
  const deps = { store, rescoreQueue, now: () => NOW, cache };
  const rescore = { store, rules: () => rules, now: () => NOW };
  return { store, rescoreQueue, cache, deps, rescore };
};

const funding = {
  id: 'news-1',
  domain: 'https://www.BakkerLogistiek.nl/nieuws',
  type: 'funding',
  occurredAt: '2026-03-15T09:00:00+01:00',
  detail: 'Series A of €5M',
  url: 'https://news.example/bakker-series-a',
};

describe('account signals', () => {
  it('applies a signal to every lead of its company with a re-score that shows it as evidence', async () => {
    // Prepare
    const { store, rescoreQueue, deps, rescore } = setup();
    // Act
    const answer = await ingestSignals(deps, 'crunchbase', { signals: [funding] });
    const results = await Promise.all(['L1', 'L2', 'L3'].map((id) => rescoreLead(id, rescore)));
    // L3 (another company) is re-scored too, only to compare: time passed, not the signal.
    // Assess
    expect(answer).toEqual({ accepted: 1, duplicates: 0, expired: 0, leads: 2, rescoring: 2 });
    expect(rescoreQueue.delivered.map((d) => d.message.leadId).sort()).toEqual(['L1', 'L2']);
    expect(results.slice(0, 2).map((r) => r.outcome)).toEqual(['rescored', 'rescored']);
    const line = (await store.get('L1'))?.score?.ledger.find((l) => l.ruleId === 'funding');
    expect(line).toMatchObject({
      fired: true,
      evidence: {
        source: 'signal',
        quote: 'Series A of €5M (crunchbase)',
        at: '2026-03-15T08:00:00.000Z',
        url: 'https://news.example/bakker-series-a',
      },
    });
    expect(line!.awarded).toBeGreaterThan(0);
    expect((await store.get('L3'))?.score?.ledger.find((l) => l.ruleId === 'funding')?.fired).toBe(false);
  });

  it('keeps a repeat once, re-scores nothing for it, and names the signals in the cause', async () => {
    // Prepare
    const { store, rescoreQueue, deps, rescore } = setup();
    await ingestSignals(deps, 'crunchbase', { signals: [funding] });
    await rescoreLead('L1', rescore);
    await store.clearRescoreRequest('L1');
    await store.clearRescoreRequest('L2');
    // Act
    const again = await ingestSignals(deps, 'crunchbase', { signals: [funding] });
    const second = await rescoreLead('L1', rescore);
    // Assess
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, leads: 0, rescoring: 0 });
    expect(rescoreQueue.delivered).toHaveLength(2);
    expect(second.outcome).toBe('unchanged');
    expect((await store.scoreHistory('L1'))[0]?.cause).toMatch(
      /^events:0:[0-9a-f]{16}\+signals:1:[0-9a-f]{16}\+rules:/,
    );
  });

  it('reaches a later lead of the company through the intent source, and expires the cached intent answer', async () => {
    // Prepare
    const { store, cache, deps } = setup();
    await cache.put(intentCacheKey('bakkerlogistiek.nl'), { signals: [] }, 3600);
    const source = withAccountIntent(new StaticIntentSignalSource([]), (d) => store.accountSignals(d));
    // Act
    await ingestSignals(deps, 'crunchbase', { signals: [funding] });
    const signals = await source.signalsFor('bakkerlogistiek.nl');
    // Assess
    expect(signals).toEqual([
      {
        type: 'funding',
        detail: 'Series A of €5M',
        at: '2026-03-15T08:00:00.000Z',
        source: 'crunchbase',
        url: 'https://news.example/bakker-series-a',
      },
    ]);
    expect(await cache.get(intentCacheKey('bakkerlogistiek.nl'))).toBeUndefined();
  });

  it('answers bad signals with a 400 naming the field, and leaves out signals past their retention', async () => {
    // Prepare
    const { deps } = setup();
    // Act
    const bad = await ingestSignals(deps, 's', { signals: [{ ...funding, domain: 'not a domain' }] }).catch(
      (e: unknown) => e,
    );
    const badType = await ingestSignals(deps, 's', { signals: [{ ...funding, type: 'ipo' }] }).catch(
      (e: unknown) => e,
    );
    const old = await ingestSignals(deps, 's', {
      signals: [{ ...funding, occurredAt: '2024-01-01T00:00:00Z' }],
    });
    // Assess
    expect(bad).toBeInstanceOf(DomainError);
    expect((bad as DomainError).issues[0]?.field).toBe('signals[0].domain');
    expect((badType as DomainError).issues[0]?.field).toBe('signals[0].type');
    expect(old).toMatchObject({ accepted: 0, expired: 1 });
  });

  it('normalises a company domain from what sources send', () => {
    expect(accountDomain('https://www.Example.co.uk/jobs?x=1')).toBe('example.co.uk');
    expect(accountDomain('EXAMPLE.nl.')).toBe('example.nl');
    expect(accountDomain('localhost')).toBeUndefined();
    expect(accountDomain('a b.nl')).toBeUndefined();
  });
});
