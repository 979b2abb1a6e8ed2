import { describe, expect, it } from 'vitest';
import type { LeadRecord } from './lead-record';
import type { Person } from './route/team';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from './testing/samples';
import { timelineOf } from './timeline';

const people = new Map<string, Person>([
  ['rep-anna', { id: 'rep-anna', name: 'Anna de Vries', role: 'rep' } as Person],
  ['mgr-sofie', { id: 'mgr-sofie', name: 'Sofie Mulder', role: 'manager' } as Person],
]);

const record = (over: Partial<LeadRecord> & Record<string, unknown> = {}): LeadRecord =>
  ({
    leadId: '01J0000000000000000000000A',
    status: 'sent',
    receivedAt: '2026-03-02T08:14:00.000Z',
    provider: 'json',
    dedupKey: 'k',
    lead: { ...sampleLead('nl'), submittedAt: '2026-03-02T08:14:00.000Z' },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: { ...sampleScore(), scoredAt: '2026-03-02T08:14:03.000Z' },
    route: { ...sampleRoute(), ownerId: 'rep-anna', assignedAt: '2026-03-02T08:14:05.000Z' },
    steps: { enrich: { ms: 900, at: '2026-03-02T08:14:02.000Z' } },
    ...over,
  }) as LeadRecord;

describe('the lead timeline', () => {
  it('lists everything newest first: submission, enrichment, score, route, draft, the owner’s edits and approval, the send, a note', () => {
    // Prepare
    const r = record({
      draft: {
        subject: 'Uw demo-aanvraag',
        body: 'B',
        language: 'nl',
        status: 'sent',
        handoff: 'review',
        guardrail: { passed: true, issues: [] },
        provider: 'template',
        promptVersion: 'p@1',
        createdAt: '2026-03-02T08:14:07.000Z',
        reviewedBy: 'rep-anna',
        send: { attemptId: 'a', startedAt: '2026-03-02T09:00:01.000Z', sentAt: '2026-03-02T09:00:02.000Z' },
      },
      audit: [
        { at: '2026-03-02T08:59:00.000Z', by: 'rep-anna', action: 'edit_draft' },
        { at: '2026-03-02T09:00:00.000Z', by: 'rep-anna', action: 'approve', detail: { edited: true } },
      ],
      notes: [
        {
          noteId: 'n',
          at: '2026-03-02T10:00:00.000Z',
          by: 'rep-anna',
          kind: 'call',
          text: '',
          callResult: 'reached',
        },
      ],
    });
    // Act
    const entries = timelineOf(r, people);
    // Assess
    expect(entries.map((e) => e.kind)).toEqual([
      'call',
      'sent',
      'approved',
      'draft_edited',
      'drafted',
      'routed',
      'scored',
      'enriched',
      'submitted',
    ]);
    expect(entries[0]).toMatchObject({
      by: 'rep-anna',
      byName: 'Anna de Vries',
      detail: { callResult: 'reached' },
    });
    expect(entries[1]?.detail).toMatchObject({ subject: 'Uw demo-aanvraag', auto: false });
  });

  it('shows an automatic send in the owner’s name, each score version, and an outcome once', () => {
    // Prepare
    const r = record({
      draft: {
        subject: 'S',
        body: 'B',
        language: 'en',
        status: 'sent',
        handoff: 'auto',
        guardrail: { passed: true, issues: [] },
        provider: 'template',
        promptVersion: 'p@1',
        createdAt: '2026-03-02T08:14:07.000Z',
        send: { attemptId: 'a', startedAt: '2026-03-02T08:14:08.000Z', sentAt: '2026-03-02T08:14:09.000Z' },
      },
      scoreHistory: [
        { version: 1, score: { tier: 'warm', total: 55 }, scoredAt: '2026-03-02T08:14:03.000Z' },
        {
          version: 2,
          score: { tier: 'hot', total: 80 },
          scoredAt: '2026-03-05T08:00:00.000Z',
          cause: 'pricing_page',
        },
      ],
      audit: [
        {
          at: '2026-03-06T10:00:00.000Z',
          by: 'mgr-sofie',
          action: 'outcome',
          detail: { outcome: 'meeting_booked', from: 'sent', to: 'meeting' },
        },
      ],
      outcomes: [
        {
          id: 'x',
          outcome: 'meeting_booked',
          at: '2026-03-06T10:00:00.000Z',
          recordedAt: '2026-03-06T10:00:00.000Z',
          by: 'mgr-sofie',
          source: 'api',
          from: 'sent',
          to: 'meeting',
        },
        {
          id: 'y',
          outcome: 'won',
          at: '2026-03-20T10:00:00.000Z',
          recordedAt: '2026-03-20T10:00:00.000Z',
          by: 'crm:hubspot',
          source: 'hubspot',
          from: 'meeting',
          to: 'won',
          value: 12000,
        },
      ],
    });
    // Act
    const entries = timelineOf(r, people);
    // Assess
    const kinds = entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'outcome')).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      kind: 'outcome',
      by: 'crm:hubspot',
      detail: { outcome: 'won', value: 12000 },
    });
    expect(entries.filter((e) => e.kind === 'scored').map((e) => e.detail)).toEqual([
      expect.objectContaining({ version: 2, tier: 'hot', total: 80, cause: 'pricing_page' }),
      expect.objectContaining({ version: 1, tier: 'warm', total: 55 }),
    ]);
    expect(entries.find((e) => e.kind === 'sent')).toMatchObject({ by: 'agent', detail: { auto: true } });
    expect(entries.find((e) => e.kind === 'approved')).toMatchObject({ by: 'agent', detail: { auto: true } });
  });

  it('shows a spam lead and a failure without inventing steps that did not happen', () => {
    // Prepare
    const spam = record({
      status: 'spam',
      spam: { reason: 'honeypot' },
      enrichment: undefined,
      score: undefined,
      route: undefined,
      steps: {},
    });
    const failed = record({
      status: 'failed',
      route: undefined,
      error: { step: 'enrich', message: 'TimeoutError', attempts: 3, at: '2026-03-02T08:20:00.000Z' },
    });
    // Act
    const spamKinds = timelineOf(spam, people).map((e) => e.kind);
    const failedKinds = timelineOf(failed, people).map((e) => e.kind);
    // Assess
    expect(spamKinds.sort()).toEqual(['spam', 'submitted']);
    expect(failedKinds[0]).toBe('failed');
    expect(failedKinds).not.toContain('routed');
  });
});
