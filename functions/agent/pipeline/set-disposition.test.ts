/**
 * A person's disposition on the in-memory store (same ports and lifecycle conditions as the DynamoDB adapter):
 * who may set it, what disposing does to the owner's load and the draft, how a non-sales lead goes back to
 * routing, and what a repeat answers.
 */
import { describe, expect, it } from 'vitest';
import { shippedDispositions } from '../../platform/shipped-dispositions';
import { shippedRouting } from '../../platform/shipped-routing';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { decideLead, disposeCommand, type LeadStatus, loadEffect } from '../lifecycle';
import type { Draft } from '../qualification';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { type DispositionDeps, setDisposition } from './set-disposition';

const who = (personId: string, role: Principal['role']): Principal => ({
  personId,
  role,
  name: personId,
  email: `${personId}@example.com`,
});
const anna = who('rep-anna', 'sales');
const sofie = who('mgr-sofie', 'manager');
const lars = who('ops-lars', 'ops');
const NOW = new Date('2026-03-02T10:00:00.000Z');
const TAKEN = 'smb#rep-anna';
const LEAD = '01JLEAD0000000000000000001';

const draft = (status: Draft['status']): Draft => ({
  subject: 'Demo',
  body: 'Hallo',
  language: 'nl',
  status,
  handoff: 'review',
  guardrail: { passed: true, issues: [] },
  provider: 'template',
  promptVersion: 'p@1',
  createdAt: '2026-03-02T08:14:06.000Z',
});

/** A sales lead routed to Anna (one unit of her load taken), moved to `status`, with an optional draft. */
const setup = (status: LeadStatus = 'drafted', draftStatus?: Draft['status']) => {
  const store = new InMemoryLeadStore(() => NOW);
  const record: LeadRecord = {
    leadId: LEAD,
    status: 'received',
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: 'dedup-1',
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: { ...sampleScore(), disposition: { kind: 'sales', reason: 'A sales lead', decidedBy: 'rules' } },
    disposition: 'sales',
    steps: {},
    ...(draftStatus ? { draft: draft(draftStatus) } : {}),
  };
  store.seed(record);
  store.storeRoute(LEAD, { ...sampleRoute(), ownerId: 'rep-anna', team: 'smb' }, TAKEN);
  store.records.get(LEAD)!.status = status;
  const qualifyQueue = new RecordingQueue();
  const draftQueue = new RecordingQueue();
  const deps: DispositionDeps = {
    store,
    qualifyQueue,
    draftQueue,
    routing: shippedRouting(),
    dispositions: shippedDispositions(),
    now: () => NOW,
  };
  return { store, deps, qualifyQueue, draftQueue };
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

describe('the disposition lifecycle', () => {
  it('closes an open sales lead to nurture or disqualified, releasing the load, and routes a non-sales one again', () => {
    // Prepare / Act
    const vendor = decideLead('drafted', disposeCommand('vendor_pitch'));
    const spam = decideLead('routed', disposeCommand('spam_test'));
    const back = decideLead('nurture', 'requalify');
    const closed = decideLead('won', disposeCommand('job_application'));
    // Assess
    expect(vendor).toEqual({ ok: true, from: 'drafted', to: 'nurture', load: 'release' });
    expect(spam).toEqual({ ok: true, from: 'routed', to: 'disqualified', load: 'release' });
    expect(back).toEqual({ ok: true, from: 'nurture', to: 'received', load: 'none' });
    expect(closed.ok).toBe(false);
    expect(decideLead('drafted', 'requalify').ok).toBe(false);
    expect(loadEffect('nurture', 'nurture')).toBe('none');
  });
});

describe('setting a disposition', () => {
  it('disposes a drafted sales lead as a job application: off its owner, load released, draft withdrawn, audited', async () => {
    // Prepare
    const { store, deps, draftQueue } = setup('drafted', 'pending');
    // Act
    const result = await setDisposition(deps, sofie, LEAD, {
      disposition: 'job_application',
      reason: 'Applies for the SDR role',
    });
    // Assess
    expect(result).toEqual({
      leadId: LEAD,
      disposition: 'job_application',
      status: 'nurture',
      changed: true,
      draftWithdrawn: true,
    });
    const lead = await store.get(LEAD);
    expect(lead?.disposition).toBe('job_application');
    expect(lead?.score?.disposition).toMatchObject({
      kind: 'job_application',
      decidedBy: 'person',
      reason: 'Applies for the SDR role',
      destination: { action: 'forward', to: 'recruiting@example.com' },
    });
    expect(lead?.route).toMatchObject({ kind: 'nurture', ruleId: 'disposition' });
    expect(lead?.draft?.status).toBe('rejected');
    expect(store.loads.get(TAKEN)).toBe(0);
    // Forwarded: the draft step sends recruiting its notification.
    expect(draftQueue.sent).toEqual([{ leadId: LEAD }]);
    expect(lead?.audit?.at(-1)).toEqual({
      at: NOW.toISOString(),
      by: 'mgr-sofie',
      action: 'dispose',
      reason: 'Applies for the SDR role',
      detail: { from: 'sales', to: 'job_application', fromStatus: 'drafted', toStatus: 'nurture' },
    });
  });

  it('closes spam as disqualified; a repeat changes nothing and releases no second load', async () => {
    // Prepare
    const { store, deps, draftQueue } = setup('routed');
    // Act
    const first = await setDisposition(deps, lars, LEAD, { disposition: 'spam_test' });
    const again = await setDisposition(deps, lars, LEAD, { disposition: 'spam_test' });
    // Assess
    expect(first).toMatchObject({ status: 'disqualified', changed: true });
    expect(first).not.toHaveProperty('draftWithdrawn');
    expect(again).toEqual({ leadId: LEAD, disposition: 'spam_test', status: 'disqualified', changed: false });
    expect(store.loads.get(TAKEN)).toBe(0);
    expect(draftQueue.sent).toEqual([]);
    expect((await store.get(LEAD))?.audit).toHaveLength(1);
    expect((await store.get(LEAD))?.score?.disposition?.reason).toBe('Spam or a test submission');
  });

  it('re-qualifies a vendor-pitch lead as a sales lead: back to routing through the qualify queue', async () => {
    // Prepare
    const { store, deps, qualifyQueue } = setup('drafted', 'pending');
    await setDisposition(deps, sofie, LEAD, { disposition: 'vendor_pitch' });
    // Act
    const result = await setDisposition(deps, sofie, LEAD, {
      disposition: 'sales_lead',
      reason: 'Real buyer',
    });
    // Assess
    expect(result).toEqual({
      leadId: LEAD,
      disposition: 'sales',
      status: 'received',
      changed: true,
      requalified: true,
    });
    const lead = await store.get(LEAD);
    expect(lead?.disposition).toBe('sales');
    expect(lead?.score?.disposition).toMatchObject({
      kind: 'sales',
      decidedBy: 'person',
      reason: 'Real buyer',
    });
    expect(lead?.route).toBeUndefined();
    expect(lead?.rationale).toBeUndefined();
    expect(store.outbox.has(LEAD)).toBe(true);
    expect(qualifyQueue.sent).toEqual([{ leadId: LEAD }]);
    expect(lead?.audit?.map((a) => a.action)).toEqual(['dispose', 'requalify']);
  });

  it('refuses reps (403), an unknown kind (400 naming disposition) and a closed lead (409)', async () => {
    // Prepare
    const { deps } = setup('won');
    // Act
    const rep = await refusal(setDisposition(deps, anna, LEAD, { disposition: 'spam_test' }));
    const unknown = await refusal(setDisposition(deps, sofie, LEAD, { disposition: 'recruiter' }));
    const missing = await refusal(setDisposition(deps, sofie, LEAD, {}));
    const closed = await refusal(setDisposition(deps, sofie, LEAD, { disposition: 'support' }));
    const nobody = await refusal(setDisposition(deps, sofie, 'nope', { disposition: 'support' }));
    // Assess
    expect(rep).toEqual({ kind: 'forbidden', fields: [] });
    expect(unknown).toEqual({ kind: 'invalid', fields: ['disposition'] });
    expect(missing).toEqual({ kind: 'invalid', fields: ['disposition'] });
    expect(closed?.kind).toBe('conflict');
    expect(nobody).toEqual({ kind: 'not_found', fields: ['id'] });
  });

  it('loses to a concurrent change: the draft was approved and sent meanwhile', async () => {
    // Prepare
    const { store, deps } = setup('drafted', 'pending');
    const stale = await store.get(LEAD);
    store.records.get(LEAD)!.draft!.status = 'sending';
    const staleStore = { ...store, get: async () => stale, dispose: store.dispose.bind(store) };
    // Act
    const lost = await refusal(
      setDisposition({ ...deps, store: staleStore as never }, sofie, LEAD, { disposition: 'partner' }),
    );
    // Assess
    expect(lost?.kind).toBe('conflict');
    expect((await store.get(LEAD))?.disposition).toBe('sales');
    expect(store.loads.get(TAKEN)).toBe(1);
  });
});
