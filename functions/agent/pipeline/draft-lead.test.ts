import { describe, expect, it } from 'vitest';
import { buildAllowList, type DraftingInput, type DraftingResult, writeRationaleAndDraft } from '../draft';
import { parseHandoffPolicy } from '../handoff/policy';
import type { LeadRecord } from '../lead-record';
import type { HandoffMode } from '../qualification';
import { InMemoryLeadStore, RecordingCrmNotifier, RecordingQueue } from '../testing/memory-ports';
import {
  COMPANY_SITE,
  FIXED_NOW,
  REP,
  sampleEnrichment,
  sampleLead,
  sampleRoute,
  sampleScore,
} from '../testing/samples';
import { type DraftDeps, draftLead } from './draft-lead';

const routed = (leadId: string, extra: Partial<LeadRecord> = {}): LeadRecord => ({
  leadId,
  status: 'routed',
  receivedAt: '2026-03-02T08:14:01.000Z',
  provider: 'json',
  dedupKey: `dedup-${leadId}`,
  lead: sampleLead(),
  raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
  enrichment: sampleEnrichment(),
  score: sampleScore(),
  route: sampleRoute(),
  steps: {},
  ...extra,
});

/** The real template writer (no LLM key), with an optional twist on its result. */
const templateWriter =
  (twist: (r: DraftingResult) => DraftingResult = (r) => r) =>
  async (input: DraftingInput) =>
    twist(await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) }));

const setup = (mode: HandoffMode, write = templateWriter()) => {
  const store = new InMemoryLeadStore();
  const sendQueue = new RecordingQueue();
  const written: DraftingInput[] = [];
  const deps: DraftDeps = {
    store,
    write: (input) => {
      written.push(input);
      return write(input);
    },
    rep: (id) => (id === REP.id ? REP : undefined),
    companySiteUrl: COMPANY_SITE,
    handoffPolicy: async () => parseHandoffPolicy({ version: 'handoff@test', default: mode, rules: [] }),
    sendQueue,
    clock: () => performance.now(),
    now: FIXED_NOW,
  };
  return { store, sendQueue, deps, written };
};

describe('draftLead', () => {
  it('writes the rationale and a pending draft for review, leaving score and route untouched', async () => {
    // Prepare
    const { store, sendQueue, deps } = setup('review');
    store.seed(routed('L1'));
    const before = await store.get('L1');

    // Act
    const result = await draftLead('L1', deps);

    // Assess
    const after = await store.get('L1');
    expect(result).toEqual({ outcome: 'drafted', handoff: 'review', draftStatus: 'pending' });
    expect(after?.status).toBe('drafted');
    expect(after?.rationale?.provider).toBe('template');
    expect(after?.draft).toMatchObject({
      status: 'pending',
      handoff: 'review',
      provider: 'template',
      handoffVersion: 'handoff@test',
    });
    expect(after?.draft?.body).toContain(REP.name.split(' ')[0]);
    expect(after?.score).toEqual(before?.score);
    expect(after?.route).toEqual(before?.route);
    expect(after?.steps.rationale?.at).toBe(FIXED_NOW().toISOString());
    expect(sendQueue.sent).toEqual([]);
  });

  it('approves and queues the send at once in auto mode, once even when the message comes again', async () => {
    // Prepare
    const { store, sendQueue, deps, written } = setup('auto');
    store.seed(routed('L1'));

    // Act
    const first = await draftLead('L1', deps);
    const again = await draftLead('L1', deps);

    // Assess
    expect(first).toEqual({ outcome: 'drafted', handoff: 'auto', draftStatus: 'approved' });
    expect(again).toEqual({ outcome: 'skipped', reason: 'already_drafted' });
    expect(written).toHaveLength(1);
    expect((await store.get('L1'))?.draft?.status).toBe('approved');
    // The redelivery re-sends only the send message (the send step is idempotent on its own).
    expect(sendQueue.sent).toEqual([{ leadId: 'L1' }, { leadId: 'L1' }]);
  });

  it('never auto-sends a draft that failed a guardrail', async () => {
    // Prepare
    const failing = templateWriter((r) => ({
      ...r,
      humanReviewRequired: true,
      humanReviewReasons: ['unknown link'],
    }));
    const { store, sendQueue, deps } = setup('auto', failing);
    store.seed(routed('L1'));

    // Act
    const result = await draftLead('L1', deps);

    // Assess
    expect(result).toEqual({ outcome: 'drafted', handoff: 'review', draftStatus: 'pending' });
    expect(sendQueue.sent).toEqual([]);
  });

  it('writes no personal email for a nurture lead: status nurture, no draft to send', async () => {
    // Prepare
    const { store, sendQueue, deps, written } = setup('auto');
    store.seed(
      routed('L1', {
        status: 'nurture',
        route: {
          ...sampleRoute(),
          kind: 'nurture',
          ownerId: 'mkt-noor',
          team: undefined,
          slaDueAt: undefined,
        },
      }),
    );

    // Act
    const result = await draftLead('L1', deps);

    // Assess
    const after = await store.get('L1');
    expect(written[0]?.wantsEmail).toBe(false);
    expect(result).toMatchObject({ outcome: 'drafted', handoff: 'none', draftStatus: 'none' });
    expect(after?.status).toBe('nurture');
    expect(after?.draft).toBeUndefined();
    expect(after?.rationale).toBeDefined();
    expect(sendQueue.sent).toEqual([]);
  });

  it('skips a lead that is not routed yet or does not exist', async () => {
    // Prepare
    const { store, deps, written } = setup('review');
    store.seed(routed('L1', { status: 'received', route: undefined }));

    // Act
    const results = [await draftLead('L1', deps), await draftLead('missing', deps)];

    // Assess
    expect(results).toEqual([
      { outcome: 'skipped', reason: 'not_routed' },
      { outcome: 'skipped', reason: 'missing' },
    ]);
    expect(written).toHaveLength(0);
  });

  it('tells the CRM sync once the rationale is stored, again on redelivery, and drafts even when that throws', async () => {
    // Prepare
    const { store, deps } = setup('review');
    const crm = new RecordingCrmNotifier();
    store.seed(routed('L1'));
    store.seed(routed('L2'));

    // Act
    const first = await draftLead('L1', { ...deps, crm });
    const again = await draftLead('L1', { ...deps, crm });
    const broken = await draftLead('L2', { ...deps, crm: new RecordingCrmNotifier(true) });

    // Assess
    expect(first).toMatchObject({ outcome: 'drafted' });
    expect(again).toEqual({ outcome: 'skipped', reason: 'already_drafted' });
    expect(crm.notices).toEqual([
      { leadId: 'L1', trigger: 'routed' },
      { leadId: 'L1', trigger: 'routed' },
    ]);
    expect(broken).toMatchObject({ outcome: 'drafted' });
    expect((await store.get('L2'))?.rationale).toBeDefined();
  });
});
