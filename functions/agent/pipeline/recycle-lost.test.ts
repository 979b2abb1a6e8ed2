/** Re-qualifying old leads: a lead closed lost long enough ago goes back to nurture, once. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedRouting } from '../../platform/shipped-routing';
import { type FollowUpFile, parseFollowUp } from '../follow-up';
import type { LeadRecord } from '../lead-record';
import type { LeadStatus } from '../lifecycle';
import { InMemoryLeadStore } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { recycleLostLeads } from './recycle-lost';

const NOW = new Date('2026-09-01T03:00:00.000Z');
const followUp = parseFollowUp(readFileSync('config/follow-up.yaml', 'utf8'));

const closed = (n: number, status: LeadStatus, at: string): LeadRecord =>
  ({
    leadId: `01JREC${String(n).padStart(20, '0')}`,
    status,
    receivedAt: '2026-01-02T08:00:00.000Z',
    provider: 'json',
    dedupKey: `d${n}`,
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    route: { ...sampleRoute(), ownerId: 'rep-anna', team: 'enterprise' },
    outcome: {
      id: `o${n}`,
      outcome: status === 'won' ? 'won' : status === 'disqualified' ? 'disqualified' : 'lost',
      at,
      recordedAt: at,
      by: 'rep-anna',
      source: 'api',
      from: 'sent',
      to: status,
    },
    loadTaken: 'enterprise#rep-anna',
    loadReleasedAt: at,
    steps: {},
  }) as LeadRecord;

const setup = (records: LeadRecord[], file: FollowUpFile = followUp) => {
  const store = new InMemoryLeadStore(() => NOW);
  for (const r of records) store.seed(r);
  const deps = {
    store,
    routing: shippedRouting(),
    followUp: () => file,
    ownerIds: ['rep-anna', 'rep-bram'],
    now: () => NOW,
  };
  return { store, deps };
};

describe('recycling leads lost long ago', () => {
  it('sends a lead lost more than 180 days ago back to nurture, once; recent, won and disqualified ones stay', async () => {
    // Prepare
    const old = closed(1, 'lost', '2026-02-01T10:00:00.000Z');
    const recent = closed(2, 'lost', '2026-08-01T10:00:00.000Z');
    const won = closed(3, 'won', '2026-01-10T10:00:00.000Z');
    const dq = closed(4, 'disqualified', '2026-01-10T10:00:00.000Z');
    const { store, deps } = setup([old, recent, won, dq]);
    // Act
    const first = await recycleLostLeads(deps);
    const second = await recycleLostLeads(deps);
    // Assess
    expect(first).toEqual({ candidates: 1, recycled: 1 });
    expect(second).toEqual({ candidates: 0, recycled: 0 });
    const after = store.records.get(old.leadId);
    expect(after?.status).toBe('nurture');
    expect(after?.route).toMatchObject({ kind: 'nurture', ownerId: 'mkt-noor', ruleId: 'recycle' });
    expect(after?.outcome).toBeUndefined();
    expect(after?.loadTaken).toBeUndefined();
    expect(after?.audit).toEqual([expect.objectContaining({ by: 'system', action: 'recycle' })]);
    expect(store.records.get(recent.leadId)?.status).toBe('lost');
    expect(store.records.get(won.leadId)?.status).toBe('won');
    expect(store.records.get(dq.leadId)?.status).toBe('disqualified');
  });

  it('recycles nothing when the setting is off', async () => {
    // Prepare
    const file = { ...followUp, requalify: { ...followUp.requalify, recycleLostAfterDays: null } };
    const { deps } = setup([closed(1, 'lost', '2025-01-01T10:00:00.000Z')], file);
    // Act
    const result = await recycleLostLeads(deps);
    // Assess
    expect(result).toEqual({ candidates: 0, recycled: 0 });
  });
});
