import { describe, expect, it } from 'vitest';
import {
  CLOSING_STATES,
  DRAFT_STATUSES,
  decideDraft,
  decideLead,
  LEAD_STATUSES,
  type LeadCommand,
  type LeadStatus,
  leadTransitions,
  OUTCOMES,
  outcomeCommand,
} from './lifecycle';

/** Runs commands from a state; the final state, or the first refusal. */
const run = (from: LeadStatus, commands: LeadCommand[]) => {
  let state = from;
  const loads: string[] = [];
  for (const command of commands) {
    const d = decideLead(state, command);
    if (!d.ok) return { state, refused: command, loads };
    if (d.load !== 'none') loads.push(d.load);
    state = d.to;
  }
  return { state, refused: undefined, loads };
};

describe('lead lifecycle', () => {
  it('takes a lead through the pipeline: routed, drafted, contacted by the first email', () => {
    // Act
    const owner = run('received', ['qualify:owner', 'save_draft:owner', 'complete_send']);
    const nurture = run('received', ['qualify:nurture', 'save_draft:nurture']);
    // Assess
    expect(owner).toEqual({ state: 'sent', refused: undefined, loads: ['take'] });
    expect(nurture).toEqual({ state: 'nurture', refused: undefined, loads: [] });
  });

  it('records every outcome from a contacted lead or refuses it naming the states it is allowed from', () => {
    // Act
    const results = Object.fromEntries(OUTCOMES.map((o) => [o, decideLead('sent', outcomeCommand(o))]));
    const wonTooEarly = decideLead('routed', 'record_outcome:won');
    // Assess
    expect(results.contacted).toMatchObject({ ok: false, allowedFrom: ['routed', 'drafted'] });
    expect(results.no_response).toMatchObject({ ok: true, to: 'sent' });
    expect(results.meeting_booked).toMatchObject({ ok: true, to: 'meeting' });
    expect(results.disqualified).toMatchObject({ ok: true, to: 'disqualified', load: 'release' });
    expect(results.won).toMatchObject({ ok: true, to: 'won', load: 'release' });
    expect(results.lost).toMatchObject({ ok: true, to: 'lost', load: 'release' });
    expect(wonTooEarly).toMatchObject({ ok: false, from: 'routed', allowedFrom: ['sent', 'meeting'] });
  });

  it('closing releases the rep’s load exactly once; reopening takes it again', () => {
    // Act
    const closedTwice = run('drafted', [
      'record_outcome:meeting_booked',
      'record_outcome:won',
      'record_outcome:lost',
    ]);
    const reopened = run('drafted', ['record_outcome:lost', 'reopen', 'record_outcome:disqualified']);
    // Assess
    expect(closedTwice).toEqual({ state: 'won', refused: 'record_outcome:lost', loads: ['release'] });
    expect(reopened).toEqual({
      state: 'disqualified',
      refused: undefined,
      loads: ['release', 'take', 'release'],
    });
  });

  it('every path through the table keeps the load balanced: a lead holds at most one unit', () => {
    // Prepare: walk every command sequence of length 4 from every state
    const commands = leadTransitions().map((t) => t.command as LeadCommand);
    const walk = (state: LeadStatus, holds: number, depth: number): void => {
      // Assess
      expect(holds === 0 || holds === 1).toBe(true);
      if (depth === 0) return;
      for (const c of commands) {
        const d = decideLead(state, c);
        if (!d.ok) continue;
        walk(d.to, holds + (d.load === 'take' ? 1 : d.load === 'release' ? -1 : 0), depth - 1);
      }
    };
    // Act
    for (const s of LEAD_STATUSES) walk(s, ['routed', 'drafted', 'sent', 'meeting'].includes(s) ? 1 : 0, 4);
  });

  it('recycles a contacted, lost or disqualified lead to nurture and rescores any scored lead in place', () => {
    // Act
    const recycled = (['sent', 'lost', 'disqualified'] as const).map((s) => decideLead(s, 'recycle'));
    const rescored = decideLead('meeting', 'rescore');
    const notYetScored = decideLead('received', 'rescore');
    // Assess
    expect(recycled.map((d) => d.ok && d.to)).toEqual(['nurture', 'nurture', 'nurture']);
    expect(recycled[0]).toMatchObject({ load: 'release' });
    expect(rescored).toMatchObject({ ok: true, to: 'meeting', load: 'none' });
    expect(notYetScored.ok).toBe(false);
  });

  it('only reopens a closed lead, and never moves spam', () => {
    // Act
    const open = LEAD_STATUSES.filter((s) => decideLead(s, 'reopen').ok);
    const spam = leadTransitions().filter((t) => decideLead('spam', t.command as LeadCommand).ok);
    // Assess
    expect(open).toEqual(
      [...CLOSING_STATES].sort((a, b) => LEAD_STATUSES.indexOf(a) - LEAD_STATUSES.indexOf(b)),
    );
    expect(spam).toEqual([]);
  });

  it('marks only a lead still in the pipeline failed', () => {
    // Act / Assess
    expect(decideLead('drafted', 'fail')).toMatchObject({ ok: true, to: 'failed', load: 'release' });
    expect(decideLead('sent', 'fail').ok).toBe(false);
  });
});

describe('draft lifecycle', () => {
  it('moves a draft only along its edges', () => {
    // Act
    const approve = DRAFT_STATUSES.filter((s) => decideDraft(s, 'approve').ok);
    const failSend = DRAFT_STATUSES.filter((s) => decideDraft(s, 'fail_send').ok);
    const saved = decideDraft('absent', 'save', 'pending');
    const savedTwice = decideDraft('pending', 'save', 'approved');
    // Assess
    expect(approve).toEqual(['pending']);
    expect(failSend).toEqual(['approved', 'sending']);
    expect(saved).toEqual({ ok: true, to: 'pending' });
    expect(savedTwice.ok).toBe(false);
    expect(decideDraft('sending', 'release_send')).toEqual({ ok: true, to: 'approved' });
    expect(decideDraft('sent', 'begin_send').ok).toBe(false);
  });
});
