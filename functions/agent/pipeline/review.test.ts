/**
 * The review actions on the in-memory store (same ports and lifecycle conditions as the DynamoDB adapter):
 * who may see and act on which lead, what each action changes, and what a person is told when the lead
 * moved on meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { shippedPeople, shippedRouting } from '../../platform/shipped-routing';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import type { LeadStatus } from '../lifecycle';
import type { Draft, Tier } from '../qualification';
import { InMemoryLeadStore, RecordingCrmNotifier, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import {
  approveDraft,
  editDraft,
  listDrafts,
  overrideScore,
  type ReviewDeps,
  readableLead,
  reassignLead,
  rejectDraft,
} from './review';

const person = (personId: string, role: Principal['role']): Principal => ({
  personId,
  role,
  name: personId,
  email: `${personId}@example.com`,
});
const anna = person('rep-anna', 'sales');
const bram = person('rep-bram', 'sales');
const sofie = person('mgr-sofie', 'manager');
const lars = person('ops-lars', 'ops');

/** A drafted lead with ids that sort like ULIDs. */
const drafted = (
  n: number,
  options: { owner?: string; tier?: Tier; status?: LeadStatus; draft?: Partial<Draft>; sla?: string } = {},
): LeadRecord => ({
  leadId: `01JLEAD${String(n).padStart(19, '0')}`,
  status: options.status ?? 'drafted',
  receivedAt: '2026-03-02T08:14:01.000Z',
  provider: 'json',
  dedupKey: `dedup-${n}`,
  lead: sampleLead(),
  raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
  enrichment: sampleEnrichment(),
  score: { ...sampleScore(), tier: options.tier ?? 'warm' },
  route: {
    ...sampleRoute(),
    ownerId: options.owner ?? 'rep-anna',
    slaDueAt: options.sla ?? '2026-03-02T09:14:01.000Z',
  },
  draft: {
    subject: 'Demo',
    body: 'Hallo',
    language: 'nl',
    status: 'pending',
    handoff: 'review',
    guardrail: { passed: true, issues: [] },
    provider: 'template',
    promptVersion: 'p@1',
    createdAt: '2026-03-02T08:14:06.000Z',
    ...options.draft,
  },
  steps: {},
});

const setup = (...records: LeadRecord[]) => {
  const store = new InMemoryLeadStore();
  for (const r of records) store.seed(r);
  const sendQueue = new RecordingQueue();
  const deps: ReviewDeps = {
    store,
    sendQueue,
    people: shippedPeople(),
    now: () => new Date('2026-03-02T10:00:00.000Z'),
  };
  return { store, sendQueue, deps };
};

/** The DomainError a call refuses with. */
const refusal = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const { kind, issues } = error as DomainError;
  return { kind, fields: issues.map((i) => i.field) };
};

describe('who sees which lead', () => {
  it('a rep sees only their own leads; another rep’s lead is answered like a missing one', async () => {
    // Prepare
    const own = drafted(1, { owner: 'rep-anna' });
    const other = drafted(2, { owner: 'rep-bram' });
    const { deps } = setup(own, other);
    // Act
    const seen = await readableLead(deps.store, anna, own.leadId);
    const hidden = await refusal(readableLead(deps.store, anna, other.leadId));
    const asManager = await readableLead(deps.store, sofie, other.leadId);
    const inbox = await listDrafts(deps, anna);
    // Assess
    expect(seen.leadId).toBe(own.leadId);
    expect(hidden).toEqual({ kind: 'not_found', fields: ['id'] });
    expect(asManager.leadId).toBe(other.leadId);
    expect(inbox.items.map((i) => i.leadId)).toEqual([own.leadId]);
  });

  it('ops may not review drafts, and only managers reassign', async () => {
    // Prepare
    const lead = drafted(1);
    const { deps } = setup(lead);
    // Act / Assess
    expect(await refusal(listDrafts(deps, lars))).toEqual({ kind: 'forbidden', fields: [] });
    expect(await refusal(approveDraft(deps, lars, lead.leadId))).toEqual({ kind: 'forbidden', fields: [] });
    expect(
      await refusal(reassignLead(deps, anna, lead.leadId, { ownerId: 'rep-bram', reason: 'holiday' })),
    ).toEqual({ kind: 'forbidden', fields: [] });
  });
});

describe('draft actions', () => {
  it('approving queues one send message; approving again answers the state and re-queues while approved', async () => {
    // Prepare
    const lead = drafted(1);
    const { store, sendQueue, deps } = setup(lead);
    // Act
    const first = await approveDraft(deps, anna, lead.leadId);
    const second = await approveDraft(deps, sofie, lead.leadId);
    // Assess
    expect(first).toEqual({ accepted: true, leadId: lead.leadId, status: 'approved' });
    expect(second).toEqual({ accepted: false, leadId: lead.leadId, status: 'approved' });
    expect(sendQueue.sent).toEqual([{ leadId: lead.leadId }, { leadId: lead.leadId }]);
    const after = await store.get(lead.leadId);
    expect(after?.draft).toMatchObject({ status: 'approved', reviewedBy: 'rep-anna' });
    expect(after?.audit?.map((a) => a.action)).toEqual(['approve']);
  });

  it("an edit goes through the guardrails, loaded with the first edit, with the owner's allow list", async () => {
    // Prepare
    const lead = drafted(1);
    const { store, deps } = setup(lead);
    const allowListed: string[] = [];
    const withAllowList: ReviewDeps = {
      ...deps,
      draftAllowList: async (record) => {
        allowListed.push(record.leadId);
        return { domains: ['ourco.example'], emails: [], urls: [] };
      },
    };
    // Act
    const answer = await editDraft(withAllowList, anna, lead.leadId, {
      subject: 'Uw demo',
      body: 'Beste Jan,\u200b zie https://ourco.example/demo en <b>tot</b> dan.',
    });
    // Assess
    expect(allowListed).toEqual([lead.leadId]);
    expect(answer).toMatchObject({ leadId: lead.leadId, status: 'pending' });
    expect(answer).toHaveProperty('removed');
    const after = await store.get(lead.leadId);
    expect(after?.draft?.body).toContain('https://ourco.example/demo');
    expect(after?.draft?.body).not.toMatch(/[\u200b<>]/);
  });

  it('approving with an edit stores the edit with the approval', async () => {
    // Prepare
    const lead = drafted(1);
    const { store, deps } = setup(lead);
    // Act
    await approveDraft(deps, anna, lead.leadId, { subject: 'Uw demo', body: 'Beste Jan' });
    // Assess
    const after = await store.get(lead.leadId);
    expect(after?.draft).toMatchObject({ status: 'approved', subject: 'Uw demo', editedBy: 'rep-anna' });
    expect(after?.audit?.[0]).toMatchObject({ action: 'approve', detail: { edited: true } });
  });

  it('edits and rejects only a pending draft, naming the field at fault', async () => {
    // Prepare
    const pending = drafted(1);
    const sent = drafted(2, { status: 'sent', draft: { status: 'sent' } });
    const { store, deps } = setup(pending, sent);
    // Act
    const edited = await editDraft(deps, anna, pending.leadId, { subject: 'Nieuw', body: 'Tekst' });
    const twoLines = await refusal(editDraft(deps, anna, pending.leadId, { subject: 'a\nb', body: 'x' }));
    const noReason = await refusal(rejectDraft(deps, anna, pending.leadId, {}));
    const tooLate = await refusal(rejectDraft(deps, anna, sent.leadId, { reason: 'wrong tone' }));
    const rejected = await rejectDraft(deps, anna, pending.leadId, { reason: 'wrong tone' });
    const approveRejected = await refusal(approveDraft(deps, anna, pending.leadId));
    // Assess
    expect(edited).toEqual({ leadId: pending.leadId, status: 'pending' });
    expect(twoLines).toEqual({ kind: 'invalid', fields: ['subject'] });
    expect(noReason).toEqual({ kind: 'invalid', fields: ['reason'] });
    expect(tooLate.kind).toBe('conflict');
    expect(rejected).toEqual({ leadId: pending.leadId, status: 'rejected' });
    expect(approveRejected.kind).toBe('conflict');
    const after = await store.get(pending.leadId);
    expect(after?.draft).toMatchObject({ status: 'rejected', subject: 'Nieuw', rejectReason: 'wrong tone' });
    expect(after?.audit?.map((a) => a.action)).toEqual(['edit_draft', 'reject']);
    // Meaningful human review: who decided, on which score version, and what they changed.
    const seen = {
      scoreVersion: expect.any(Number),
      rulesVersion: after?.score?.rulesVersion,
      overridden: false,
    };
    expect(after?.audit?.[0]).toMatchObject({
      by: 'rep-anna',
      detail: { subjectChanged: true },
      seen: { ...seen, tier: after?.score?.tier, total: after?.score?.total },
    });
    expect(after?.audit?.[1]).toMatchObject({ by: 'rep-anna', reason: 'wrong tone', seen });
  });
});

describe('lead actions', () => {
  it('a reassigned lead leaves the old owner’s inbox and joins the new owner’s', async () => {
    // Prepare
    const lead = drafted(1, { owner: 'rep-anna' });
    const { store, deps } = setup(lead);
    // Act
    const result = await reassignLead(deps, sofie, lead.leadId, { ownerId: 'rep-bram', reason: 'holiday' });
    // Assess
    expect(result).toEqual({ leadId: lead.leadId, ownerId: 'rep-bram' });
    expect((await listDrafts(deps, anna)).items).toEqual([]);
    expect((await listDrafts(deps, bram)).items.map((i) => i.leadId)).toEqual([lead.leadId]);
    expect((await store.get(lead.leadId))?.audit?.[0]).toMatchObject({
      action: 'reassign',
      detail: { from: 'rep-anna', to: 'rep-bram' },
    });
  });

  it('tells the CRM sync of a reassigned lead (new owner and task there), not of a refused reassign', async () => {
    // Prepare
    const lead = drafted(1, { owner: 'rep-anna' });
    const { deps } = setup(lead);
    const crm = new RecordingCrmNotifier();

    // Act
    await reassignLead({ ...deps, crm }, sofie, lead.leadId, { ownerId: 'rep-bram', reason: 'holiday' });
    await refusal(reassignLead({ ...deps, crm }, anna, lead.leadId, { ownerId: 'rep-anna', reason: 'mine' }));

    // Assess
    expect(crm.notices).toEqual([{ leadId: lead.leadId, trigger: 'routed' }]);
  });

  it('a reassign moves the open load: the old rep’s is released and the new rep’s taken in their team', async () => {
    // Prepare
    const lead = drafted(1, { owner: 'rep-anna' });
    const { store, deps } = setup({
      ...lead,
      route: { ...lead.route!, team: 'enterprise' },
      loadTaken: 'enterprise#rep-anna',
    } as LeadRecord);
    store.loads.set('enterprise#rep-anna', 3);
    store.loads.set('smb#rep-bram', 10);
    // Act
    await reassignLead({ ...deps, routing: shippedRouting() }, sofie, lead.leadId, {
      ownerId: 'rep-bram',
      reason: 'holiday',
    });
    await reassignLead({ ...deps, routing: shippedRouting() }, sofie, lead.leadId, {
      ownerId: 'rep-eva',
      reason: 'bram is ill',
    });
    // Assess
    expect(Object.fromEntries(store.loads)).toEqual({
      'enterprise#rep-anna': 2,
      'smb#rep-bram': 10,
      'smb#rep-eva': 1,
    });
    const after = store.records.get(lead.leadId);
    expect(after?.loadTaken).toBe('smb#rep-eva');
    expect(after?.route).toMatchObject({ ownerId: 'rep-eva', team: 'smb' });
  });

  it('refuses a reassign to a rep at capacity and moves nothing', async () => {
    // Prepare
    const lead = drafted(1, { owner: 'rep-anna' });
    const { store, deps } = setup({ ...lead, loadTaken: 'enterprise#rep-anna' } as LeadRecord);
    store.loads.set('enterprise#rep-anna', 3);
    store.loads.set('smb#rep-eva', 40);
    // Act
    const refused = await refusal(
      reassignLead({ ...deps, routing: shippedRouting() }, sofie, lead.leadId, {
        ownerId: 'rep-eva',
        reason: 'x',
      }),
    );
    // Assess
    expect(refused).toEqual({ kind: 'conflict', fields: ['ownerId'] });
    expect(Object.fromEntries(store.loads)).toEqual({ 'enterprise#rep-anna': 3, 'smb#rep-eva': 40 });
    expect(store.records.get(lead.leadId)?.route?.ownerId).toBe('rep-anna');
  });

  it('refuses to reassign a closed lead or to someone who is not a rep or manager', async () => {
    // Prepare
    const won = drafted(1, { status: 'won' });
    const open = drafted(2);
    const { deps } = setup(won, open);
    // Act
    const closed = await refusal(reassignLead(deps, sofie, won.leadId, { ownerId: 'rep-bram', reason: 'x' }));
    const toOps = await refusal(reassignLead(deps, sofie, open.leadId, { ownerId: 'ops-lars', reason: 'x' }));
    // Assess
    expect(closed.kind).toBe('conflict');
    expect(toOps).toEqual({ kind: 'invalid', fields: ['ownerId'] });
  });

  it('an override to hot puts the lead first in the manager’s inbox and keeps the computed score', async () => {
    // Prepare
    const early = drafted(1, { tier: 'warm', sla: '2026-03-02T09:00:00.000Z' });
    const later = drafted(2, { tier: 'warm', sla: '2026-03-02T11:00:00.000Z' });
    const { store, deps } = setup(early, later);
    const before = (await listDrafts(deps, sofie)).items.map((i) => i.leadId);
    // Act
    await overrideScore(deps, sofie, later.leadId, { tier: 'hot', reason: 'CEO asked' });
    const badTier = await refusal(overrideScore(deps, sofie, later.leadId, { tier: 'boiling', reason: 'x' }));
    // Assess
    const after = await listDrafts(deps, sofie);
    expect(before).toEqual([early.leadId, later.leadId]);
    expect(after.items.map((i) => [i.leadId, i.tier])).toEqual([
      [later.leadId, 'hot'],
      [early.leadId, 'warm'],
    ]);
    expect((await store.get(later.leadId))?.score?.tier).toBe('warm');
    expect(badTier).toEqual({ kind: 'invalid', fields: ['tier'] });
  });
});

describe('the manager inbox', () => {
  it('pages with a cursor and refuses a cursor it did not hand out', async () => {
    // Prepare
    const leads = [1, 2, 3].map((n) => drafted(n, { sla: `2026-03-02T0${n}:00:00.000Z` }));
    const { deps } = setup(...leads);
    // Act
    const first = await listDrafts(deps, sofie, { limit: '2' });
    const second = await listDrafts(deps, sofie, { limit: '2', cursor: first.nextCursor });
    const forged = await refusal(listDrafts(deps, sofie, { cursor: 'bm90LWEtY3Vyc29y' }));
    const badLimit = await refusal(listDrafts(deps, sofie, { limit: '500' }));
    // Assess
    expect([...first.items, ...second.items].map((i) => i.leadId)).toEqual(leads.map((l) => l.leadId));
    expect(second.nextCursor).toBeUndefined();
    expect(forged).toEqual({ kind: 'invalid', fields: ['cursor'] });
    expect(badLimit).toEqual({ kind: 'invalid', fields: ['limit'] });
  });
});
