import { describe, expect, it } from 'vitest';
import { type AppliedOutcome, type ApplyDeps, applyingInbox, type ErasureRequest } from './apply';
import { InMemoryCrmStore } from './memory';
import type { ErasureEvent, OutcomeEvent } from './types';

const won = (leadId?: string): OutcomeEvent => ({
  kind: 'outcome',
  leadRef: { crm: 'hubspot', objectType: 'deal', objectId: '5001', ...(leadId ? { leadId } : {}) },
  outcome: 'won',
  value: 12_000,
  at: '2026-03-10T14:00:00.000Z',
  source: 'hubspot:webhook',
  eventId: 'hubspot:deal:5001:dealstage=closedwon',
  detail: 'dealstage=closedwon',
});

const deps = (answer: AppliedOutcome | Error = 'recorded') => {
  const outcomes: { leadId: string; outcome: unknown; source: string }[] = [];
  const erasures: ErasureRequest[] = [];
  const applied: string[] = [];
  const d: ApplyDeps = {
    recordOutcome: async (leadId, outcome, source) => {
      if (answer instanceof Error) throw answer;
      outcomes.push({ leadId, outcome, source });
      return answer;
    },
    requestErasure: async (r) => {
      erasures.push(r);
    },
    onApplied: (e, r) => applied.push(`${e.eventId} ${r}`),
  };
  return { d, outcomes, erasures, applied };
};

describe('applyingInbox', () => {
  it('records a CRM outcome on its lead as the CRM, once however often the event arrives', async () => {
    // Prepare
    const log = new InMemoryCrmStore();
    const { d, outcomes } = deps();
    const inbox = applyingInbox(log, d);

    // Act
    const first = await inbox.record(won('L1'));
    const again = await inbox.record(won('L1'));

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(outcomes).toEqual([
      {
        leadId: 'L1',
        outcome: { outcome: 'won', at: '2026-03-10T14:00:00.000Z', value: 12_000 },
        source: 'crm:hubspot',
      },
    ]);
    expect(log.events).toHaveLength(1);
  });

  it('logs an event the lifecycle refuses (not retried) and one about no lead of ours, applying nothing else', async () => {
    // Prepare
    const log = new InMemoryCrmStore();
    const refused = deps('refused');
    const unknown = deps();

    // Act
    const a = await applyingInbox(log, refused.d).record(won('L1'));
    const b = await applyingInbox(log, unknown.d).record({ ...won(), eventId: 'hubspot:deal:9:dealstage=x' });

    // Assess
    expect([a, b]).toEqual([true, true]);
    expect(refused.applied).toEqual(['hubspot:deal:5001:dealstage=closedwon refused']);
    expect(unknown.outcomes).toEqual([]);
    expect(unknown.applied).toEqual(['hubspot:deal:9:dealstage=x no_lead']);
  });

  it('does not log an event it could not apply (the store was down), so the CRM retry applies it', async () => {
    // Prepare
    const log = new InMemoryCrmStore();
    const down = deps(new Error('ServiceUnavailable'));
    const up = deps();

    // Act
    const failed = applyingInbox(log, down.d).record(won('L1'));
    await expect(failed).rejects.toThrow('ServiceUnavailable');
    const retried = await applyingInbox(log, up.d).record(won('L1'));

    // Assess
    expect(retried).toBe(true);
    expect(up.outcomes).toHaveLength(1);
  });

  it('turns a HubSpot privacy deletion into an erasure request for every lead of that contact', async () => {
    // Prepare
    const log = new InMemoryCrmStore();
    const { d, erasures } = deps();
    const event: ErasureEvent = {
      kind: 'erasure',
      leadRef: { crm: 'hubspot', objectType: 'contact', objectId: '901', leadId: 'L1' },
      contactId: '901',
      leadIds: ['L1', 'L2'],
      at: '2026-03-11T09:00:00.000Z',
      source: 'hubspot:webhook',
      eventId: 'hubspot:contact:901:privacyDeletion',
    };

    // Act
    await applyingInbox(log, d).record(event);

    // Assess
    expect(erasures).toEqual(
      ['L1', 'L2'].map((leadId) => ({
        leadId,
        source: 'crm:hubspot',
        eventId: 'hubspot:contact:901:privacyDeletion',
        contactId: '901',
        requestedAt: '2026-03-11T09:00:00.000Z',
      })),
    );
  });
});
