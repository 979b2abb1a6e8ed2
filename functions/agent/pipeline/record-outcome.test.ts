/**
 * Outcomes and reopening on the in-memory store (same ports and lifecycle conditions as the DynamoDB adapter):
 * who may record, what each outcome does to the lead and to its owner's open load, and what a repeat answers.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import type { LeadStatus } from '../lifecycle';
import { InMemoryLeadStore } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { type OutcomeActor, type OutcomeDeps, recordOutcome, reopenLead } from './record-outcome';

const person = (personId: string, role: Principal['role']): OutcomeActor => ({
  kind: 'person',
  principal: { personId, role, name: personId, email: `${personId}@example.com` },
});
const anna = person('rep-anna', 'sales');
const bram = person('rep-bram', 'sales');
const sofie = person('mgr-sofie', 'manager');
const lars = person('ops-lars', 'ops');
const NOW = new Date('2026-03-02T10:00:00.000Z');
const TAKEN = 'smb#rep-anna';

/** A lead routed to Anna whose assignment took one unit of her load, moved to `status`. */
const setup = (status: LeadStatus = 'sent', n = 1) => {
  const store = new InMemoryLeadStore(() => NOW);
  const leadId = `01JLEAD${String(n).padStart(19, '0')}`;
  const record: LeadRecord = {
    leadId,
    status: 'received',
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: `dedup-${n}`,
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    steps: {},
  };
  store.seed(record);
  store.storeRoute(leadId, { ...sampleRoute(), ownerId: 'rep-anna', team: 'smb' }, TAKEN);
  store.records.get(leadId)!.status = status;
  const deps: OutcomeDeps = { store, now: () => NOW };
  return { store, deps, leadId };
};

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { kind: e.kind, fields: e.issues.map((i) => i.field) };
    throw e;
  }
  return undefined;
};

describe('recording outcomes', () => {
  it('takes a lead from contacted to a meeting to won, with who and when, and releases the load once', async () => {
    // Prepare
    const { store, deps, leadId } = setup('drafted');
    // Act
    const contacted = await recordOutcome(deps, anna, leadId, { outcome: 'contacted' });
    const meeting = await recordOutcome(deps, anna, leadId, {
      outcome: 'meeting_booked',
      at: '2026-03-02T09:30:00Z',
    });
    const won = await recordOutcome(deps, sofie, leadId, { outcome: 'won', value: 12_500 });
    // Assess
    expect([contacted.status, meeting.status, won.status]).toEqual(['sent', 'meeting', 'won']);
    const lead = await store.get(leadId);
    expect(lead?.outcome).toMatchObject({
      outcome: 'won',
      value: 12_500,
      by: 'mgr-sofie',
      source: 'api',
      from: 'meeting',
      to: 'won',
      at: NOW.toISOString(),
    });
    expect(lead?.outcomes?.map((o) => [o.outcome, o.at, o.by])).toEqual([
      ['contacted', NOW.toISOString(), 'rep-anna'],
      ['meeting_booked', '2026-03-02T09:30:00.000Z', 'rep-anna'],
      ['won', NOW.toISOString(), 'mgr-sofie'],
    ]);
    expect(lead?.audit?.map((a) => [a.action, a.detail?.outcome])).toEqual([
      ['outcome', 'contacted'],
      ['outcome', 'meeting_booked'],
      ['outcome', 'won'],
    ]);
    expect(store.loads.get(TAKEN)).toBe(0);
  });

  it('answers a repeat of the same outcome without writing or releasing again', async () => {
    // Prepare
    const { store, deps, leadId } = setup('sent');
    // Act
    const first = await recordOutcome(deps, anna, leadId, { outcome: 'lost', reason: 'budget' });
    const again = await recordOutcome(deps, anna, leadId, { outcome: 'lost', reason: 'budget' });
    // Assess
    expect(first).toMatchObject({ status: 'lost', recorded: true });
    expect(again).toMatchObject({ status: 'lost', recorded: false });
    expect((await store.get(leadId))?.outcomes).toHaveLength(1);
    expect(store.loads.get(TAKEN)).toBe(0);
  });

  it('records no response once until something else happens', async () => {
    // Prepare
    const { store, deps, leadId } = setup('sent');
    // Act
    const first = await recordOutcome(deps, anna, leadId, { outcome: 'no_response' });
    const second = await recordOutcome(deps, anna, leadId, { outcome: 'no_response' });
    // Assess
    expect([first.recorded, second.recorded]).toEqual([true, false]);
    expect((await store.get(leadId))?.outcomes).toHaveLength(1);
    expect(store.loads.get(TAKEN)).toBe(1);
  });

  it('treats contacted on a lead whose first email went out as already recorded', async () => {
    // Prepare
    const { store, deps, leadId } = setup('sent');
    // Act
    const result = await recordOutcome(deps, anna, leadId, { outcome: 'contacted' });
    // Assess
    expect(result).toMatchObject({ status: 'sent', recorded: false });
    expect((await store.get(leadId))?.outcomes).toBeUndefined();
  });

  it('refuses an outcome the lead’s state does not allow, naming the states it is allowed from', async () => {
    // Prepare
    const { store, deps, leadId } = setup('routed');
    // Act
    let message = '';
    const result = await refusal(
      recordOutcome(deps, anna, leadId, { outcome: 'won' }).catch((e) => {
        message = (e as Error).message;
        throw e;
      }),
    );
    // Assess
    expect(result).toEqual({ kind: 'conflict', fields: ['outcome'] });
    expect(message).toBe('The lead is routed; won can be recorded when it is sent, meeting');
    expect((await store.get(leadId))?.status).toBe('routed');
  });

  it('lets the owner and managers record; another rep and ops are forbidden; an unknown lead is not found', async () => {
    // Prepare
    const { deps, leadId } = setup('sent');
    // Act
    const results = {
      bram: await refusal(recordOutcome(deps, bram, leadId, { outcome: 'meeting_booked' })),
      lars: await refusal(recordOutcome(deps, lars, leadId, { outcome: 'meeting_booked' })),
      unknown: await refusal(recordOutcome(deps, sofie, '01JLEAD9999999999999999999', { outcome: 'won' })),
      bramReopen: await refusal(reopenLead(deps, bram, leadId, {})),
    };
    // Assess
    expect(results).toEqual({
      bram: { kind: 'forbidden', fields: [] },
      lars: { kind: 'forbidden', fields: [] },
      unknown: { kind: 'not_found', fields: ['id'] },
      bramReopen: { kind: 'forbidden', fields: [] },
    });
  });

  it('answers bad input with 400s naming the field', async () => {
    // Prepare
    const { deps, leadId } = setup('sent');
    const bad = (body: unknown) => refusal(recordOutcome(deps, anna, leadId, body));
    // Act
    const results = [
      await bad({}),
      await bad({ outcome: 'maybe' }),
      await bad({ outcome: 'won', value: -1 }),
      await bad({ outcome: 'won', value: '100' }),
      await bad({ outcome: 'lost', reason: 42 }),
      await bad({ outcome: 'lost', reason: '   ' }),
      await bad({ outcome: 'won', at: 'yesterday' }),
      await bad({ outcome: 'won', at: '2026-03-03T10:00:00Z' }),
      await bad({ outcome: 'won', at: '2026-03-01T10:00:00Z' }),
      await bad([]),
    ];
    // Assess
    expect(results.map((r) => `${r?.kind}:${r?.fields[0]}`)).toEqual([
      'invalid:outcome',
      'invalid:outcome',
      'invalid:value',
      'invalid:value',
      'invalid:reason',
      'invalid:reason',
      'invalid:at',
      'invalid:at',
      'invalid:at',
      'invalid:body',
    ]);
  });
});

describe('reopening', () => {
  it('reopens a closed lead for its owner and takes the load again; closing again releases it again', async () => {
    // Prepare
    const { store, deps, leadId } = setup('sent');
    await recordOutcome(deps, anna, leadId, { outcome: 'lost', reason: 'timing' });
    const afterClose = store.loads.get(TAKEN);
    // Act
    const reopened = await reopenLead(deps, sofie, leadId, { reason: 'they called back' });
    const again = await reopenLead(deps, sofie, leadId, {});
    const afterReopen = store.loads.get(TAKEN);
    await recordOutcome(deps, anna, leadId, { outcome: 'disqualified', reason: 'no budget' });
    // Assess
    expect(reopened).toEqual({ leadId, status: 'routed', reopened: true });
    expect(again).toEqual({ leadId, status: 'routed', reopened: false });
    expect([afterClose, afterReopen, store.loads.get(TAKEN)]).toEqual([0, 1, 0]);
    const lead = await store.get(leadId);
    expect(lead?.status).toBe('disqualified');
    expect(lead?.outcomes?.map((o) => o.outcome)).toEqual(['lost', 'disqualified']);
    expect(lead?.audit?.map((a) => a.action)).toEqual(['outcome', 'reopen', 'outcome']);
  });

  it('refuses to reopen a nurtured lead and a lead without an owner', async () => {
    // Prepare
    const { deps, leadId } = setup('nurture');
    const orphan = setup('lost', 2);
    orphan.store.records.get(orphan.leadId)!.route = { ...sampleRoute(), kind: 'nurture' };
    delete orphan.store.records.get(orphan.leadId)!.route!.ownerId;
    // Act
    const nurture = await refusal(reopenLead(deps, sofie, leadId, {}));
    const noOwner = await refusal(reopenLead(orphan.deps, sofie, orphan.leadId, {}));
    // Assess
    expect(nurture?.kind).toBe('conflict');
    expect(noOwner?.kind).toBe('conflict');
  });
});
