/**
 * Override and assignment that act: a nurtured lead a person raises to hot is routed again (an owner, a load,
 * a first draft through the normal queues), and a manager can hand a nurtured lead to a rep.
 */
import { describe, expect, it } from 'vitest';
import { shippedPeople, shippedRouting } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { InMemoryLeadStore, memoryRotation, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleScore } from '../testing/samples';
import { type QualifyDeps, qualifyLead } from './qualify-lead';
import { recordOutcome } from './record-outcome';
import { assignLead, overrideScore, type ReviewDeps, reassignLead } from './review';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const routing = shippedRouting();
const sofie: Principal = { personId: 'mgr-sofie', role: 'manager', name: 'Sofie', email: 's@example.com' };
const bram: Principal = { personId: 'rep-bram', role: 'sales', name: 'Bram', email: 'b@example.com' };

/** A scored lead in nurture: cold, no owner, its rationale written. */
const nurtured = (leadId = '01JLEAD0000000000000000001'): LeadRecord => ({
  leadId,
  status: 'nurture',
  receivedAt: '2026-03-02T08:14:01.000Z',
  provider: 'json',
  dedupKey: `dedup-${leadId}`,
  lead: sampleLead(),
  raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
  enrichment: sampleEnrichment(),
  score: { ...sampleScore(), tier: 'cold', quadrant: 'nurture' },
  route: {
    kind: 'nurture',
    ruleId: 'threshold',
    reason: 'Cold lead → nurture sequence',
    routingVersion: routing.version,
    assignedAt: '2026-03-02T08:14:03.000Z',
  },
  rationale: {
    text: 'Cold: small company, no buying signal yet.',
    nextAction: 'Nurture sequence',
    provider: 'template',
    promptVersion: 'p@1',
    writtenAt: '2026-03-02T08:14:04.000Z',
  },
  steps: {},
});

const setup = (...records: LeadRecord[]) => {
  const store = new InMemoryLeadStore(() => NOW);
  for (const r of records) store.seed(r);
  const qualifyQueue = new RecordingQueue();
  const draftQueue = new RecordingQueue();
  const deps: ReviewDeps = {
    store,
    sendQueue: new RecordingQueue(),
    qualifyQueue,
    draftQueue,
    routing,
    people: shippedPeople(),
    now: () => NOW,
  };
  const rotation = memoryRotation(store, routing, () => NOW);
  const qualifyDeps: QualifyDeps = {
    store,
    enrich: async () => {
      throw new Error('a scored lead is not enriched again');
    },
    rules: shippedRules(),
    routing,
    assign: rotation.assign,
    draftQueue,
    now: () => NOW,
    clock: () => performance.now(),
  };
  return { store, deps, qualifyQueue, draftQueue, qualifyDeps };
};

describe('override that acts', () => {
  it('routes a nurtured lead raised to hot: an owner with a load, an SLA from now, a first draft queued', async () => {
    // Prepare
    const lead = nurtured();
    const { store, deps, qualifyQueue, draftQueue, qualifyDeps } = setup(lead);
    // Act
    const result = await overrideScore(deps, sofie, lead.leadId, { tier: 'hot', reason: 'CEO called us' });
    const queued = [...qualifyQueue.sent];
    const routed = await qualifyLead(lead.leadId, qualifyDeps);
    // Assess
    expect(result.rerouted).toBe(true);
    expect(queued).toEqual([{ leadId: lead.leadId }]);
    expect(routed.outcome).toBe('routed');
    const stored = await store.get(lead.leadId);
    expect(stored?.status).toBe('routed');
    expect(stored?.route).toMatchObject({ kind: 'owner', ownerId: expect.stringMatching(/^(rep|mgr)-/) });
    expect(Date.parse(stored?.route?.slaDueAt ?? '')).toBeGreaterThan(NOW.getTime());
    expect(stored?.rationale).toBeUndefined();
    expect(stored?.score?.tier).toBe('cold');
    expect(draftQueue.sent).toEqual([{ leadId: lead.leadId }]);
    expect([...store.loads.values()].reduce((a, b) => a + b, 0)).toBe(stored?.route?.team ? 1 : 0);
    expect(store.outbox.has(lead.leadId)).toBe(true);
  });

  it('leaves a routed lead’s route alone and keeps a nurtured lead lowered to cold in nurture', async () => {
    // Prepare
    const lead = nurtured();
    const routedLead: LeadRecord = {
      ...nurtured('01JLEAD0000000000000000002'),
      status: 'routed',
      route: { ...nurtured().route!, kind: 'owner', ownerId: 'rep-bram' },
    };
    const { store, deps, qualifyQueue } = setup(lead, routedLead);
    // Act
    const cold = await overrideScore(deps, sofie, lead.leadId, { tier: 'cold', reason: 'no budget' });
    const hot = await overrideScore(deps, sofie, routedLead.leadId, { tier: 'hot', reason: 'urgent' });
    // Assess
    expect([cold.rerouted, hot.rerouted]).toEqual([false, false]);
    expect(qualifyQueue.sent).toEqual([]);
    expect((await store.get(lead.leadId))?.status).toBe('nurture');
    expect((await store.get(routedLead.leadId))?.route?.ownerId).toBe('rep-bram');
  });
});

describe('assignment of any lead', () => {
  it('a manager hands a nurtured lead to a rep: routed, load taken in the rep’s team, drafted next', async () => {
    // Prepare
    const lead = nurtured();
    const { store, deps, draftQueue } = setup(lead);
    // Act
    const result = await assignLead(deps, sofie, lead.leadId, { ownerId: 'rep-bram', reason: 'missed lead' });
    // Assess
    expect(result).toEqual({ leadId: lead.leadId, ownerId: 'rep-bram', status: 'routed' });
    const stored = await store.get(lead.leadId);
    expect(stored?.route).toMatchObject({ kind: 'owner', ownerId: 'rep-bram', ruleId: 'manual' });
    expect(stored?.audit?.at(-1)).toMatchObject({ action: 'assign', by: 'mgr-sofie', reason: 'missed lead' });
    expect(draftQueue.sent).toEqual([{ leadId: lead.leadId }]);
    const team = stored?.route?.team;
    expect(team).toBeDefined();
    expect(store.loads.get(`${team}#rep-bram`)).toBe(1);
  });

  it('the load a manager’s assignment took is released when the lead closes', async () => {
    // Prepare
    const lead = nurtured();
    const { store, deps } = setup(lead);
    await reassignLead(deps, sofie, lead.leadId, { ownerId: 'rep-bram', reason: 'missed lead' });
    const team = (await store.get(lead.leadId))?.route?.team;
    // Act
    await recordOutcome({ store, now: () => NOW }, { kind: 'person', principal: bram }, lead.leadId, {
      outcome: 'disqualified',
      reason: 'student',
    });
    // Assess
    expect(store.loads.get(`${team}#rep-bram`)).toBe(0);
  });

  it('refuses a rep, an unknown owner, and a closed lead', async () => {
    // Prepare
    const lead = nurtured();
    const closed: LeadRecord = { ...nurtured('01JLEAD0000000000000000003'), status: 'won' };
    const { deps } = setup(lead, closed);
    const kind = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof DomainError ? `${e.kind}:${e.issues[0]?.field ?? ''}` : 'other'),
      );
    // Act
    const results = [
      await kind(assignLead(deps, bram, lead.leadId, { ownerId: 'rep-bram', reason: 'me' })),
      await kind(assignLead(deps, sofie, lead.leadId, { ownerId: 'nobody', reason: 'x' })),
      await kind(assignLead(deps, sofie, closed.leadId, { ownerId: 'rep-bram', reason: 'x' })),
    ];
    // Assess
    expect(results).toEqual(['forbidden:', 'invalid:ownerId', 'conflict:']);
  });
});
