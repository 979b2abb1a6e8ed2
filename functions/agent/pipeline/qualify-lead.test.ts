import { describe, expect, it } from 'vitest';
import { shippedRouting } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { LeadRecord } from '../lead-record';
import {
  InMemoryLeadStore,
  memoryRotation,
  RecordingCrmNotifier,
  RecordingQueue,
} from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { type QualifyDeps, qualifyLead } from './qualify-lead';

const NOW = new Date('2026-03-02T09:20:00.000Z');
const rules = shippedRules();
const routing = shippedRouting();

const record = (leadId: string, lead: Lead = sampleLead(), extra: Partial<LeadRecord> = {}): LeadRecord => ({
  leadId,
  status: 'received',
  receivedAt: '2026-03-02T08:14:01.000Z',
  provider: 'json',
  dedupKey: `dedup-${leadId}`,
  lead,
  raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
  steps: {},
  ...extra,
});

const setup = (enrich: (lead: Lead) => Promise<Enrichment> = async () => sampleEnrichment()) => {
  const store = new InMemoryLeadStore();
  const draftQueue = new RecordingQueue();
  const rotation = memoryRotation(store, routing, () => NOW);
  let enrichCalls = 0;
  const deps: QualifyDeps = {
    store,
    enrich: (lead) => {
      enrichCalls++;
      return enrich(lead);
    },
    rules,
    routing,
    assign: rotation.assign,
    draftQueue,
    now: () => NOW,
    clock: () => performance.now(),
  };
  return { store, draftQueue, rotation, deps, enrichCalls: () => enrichCalls };
};

describe('qualifyLead', () => {
  it('enriches, scores with a full ledger, routes and hands the lead to drafting', async () => {
    // Prepare
    const { store, draftQueue, deps } = setup();
    store.seed(record('L1'));

    // Act
    const result = await qualifyLead('L1', deps);

    // Assess
    const stored = await store.get('L1');
    expect(result.outcome).toBe('routed');
    expect(stored?.status).toBe('routed');
    expect(stored?.score?.ledger.map((e) => e.ruleId)).toEqual(
      expect.arrayContaining(shippedRules().file.rules.map((r) => r.id)),
    );
    expect(stored?.score?.total).toBe(
      (stored?.score?.fit ?? 0) + (stored?.score?.intent ?? 0) + (stored?.score?.engagement ?? 0),
    );
    expect(stored?.route?.ownerId).toMatch(/^rep-/);
    expect(Object.keys(stored?.steps ?? {}).sort()).toEqual(['enrich', 'route', 'score']);
    expect(stored?.disposition).toBe('sales');
    expect(stored?.disposition).toBe(stored?.score?.disposition?.kind);
    expect(draftQueue.sent).toEqual([{ leadId: 'L1' }]);
  });

  it('on redelivery keeps the score and owner, advances the rotation once and re-sends the hand-over', async () => {
    // Prepare
    const { store, draftQueue, rotation, deps, enrichCalls } = setup();
    store.seed(record('L1'));
    const first = await qualifyLead('L1', deps);

    // Act
    const again = await qualifyLead('L1', deps);

    // Assess
    expect(again).toEqual(first);
    expect(enrichCalls()).toBe(1);
    const team = (await store.get('L1'))?.route?.team as string;
    expect(rotation.seq.get(team)).toBe(1);
    expect(draftQueue.sent).toEqual([{ leadId: 'L1' }, { leadId: 'L1' }]);
  });

  it('gives consecutive leads of one team consecutive rotation seats', async () => {
    // Prepare
    const { store, deps } = setup();
    store.seed(record('L1'));
    store.seed(record('L2'));

    // Act
    const a = await qualifyLead('L1', deps);
    const b = await qualifyLead('L2', deps);

    // Assess
    expect(a.outcome === 'routed' && b.outcome === 'routed').toBe(true);
    if (a.outcome !== 'skipped' && b.outcome !== 'skipped') {
      expect(a.route.team).toBe(b.route.team);
      expect(a.route.ownerId).not.toBe(b.route.ownerId);
    }
  });

  it('continues with the stored score when a concurrent delivery scored the lead first', async () => {
    // Prepare: the other delivery stores its score while this one is enriching.
    const { store, deps } = setup();
    store.seed(record('L1'));
    const other = setup();
    other.store.seed(record('L1'));
    await qualifyLead('L1', other.deps);
    const winner = await other.store.get('L1');
    const racing: QualifyDeps = {
      ...deps,
      enrich: async () => {
        await store.saveQualification('L1', {
          enrichment: winner?.enrichment as Enrichment,
          score: { ...(winner?.score as NonNullable<LeadRecord['score']>), rulesVersion: 'winner' },
          cause: 'qualify',
          steps: {},
        });
        return sampleEnrichment();
      },
    };

    // Act
    const result = await qualifyLead('L1', racing);

    // Assess
    expect(result.outcome).not.toBe('skipped');
    if (result.outcome === 'routed' || result.outcome === 'nurture')
      expect(result.score.rulesVersion).toBe('winner');
    expect((await store.get('L1'))?.score?.rulesVersion).toBe('winner');
  });

  it('sends a cold free-mail lead to nurture', async () => {
    // Prepare
    const { store, deps } = setup(async () => ({
      ...sampleEnrichment(),
      email: {
        domain: 'gmail.com',
        freeMail: true,
        disposable: false,
        roleAddress: false,
        businessDomain: false,
        mx: true,
      },
      website: null,
      registry: null,
      intent: null,
    }));
    const lead = sampleLead('nl', 'newsletter');
    store.seed(
      record('L1', {
        ...lead,
        person: { firstName: 'Tom', email: 'tom@gmail.com' },
        company: { name: 'Tom', employees: 1, country: 'NL' },
        message: undefined,
        qualifying: {},
        activities: [{ type: 'form_submission', at: lead.submittedAt }],
      }),
    );

    // Act
    const result = await qualifyLead('L1', deps);

    // Assess
    expect(result.outcome).toBe('nurture');
    expect((await store.get('L1'))?.status).toBe('nurture');
  });

  it('skips spam, failed and unknown leads without enriching them', async () => {
    // Prepare
    const { store, deps, enrichCalls, draftQueue } = setup();
    store.seed(record('S', sampleLead(), { status: 'spam' }));
    store.seed(record('F', sampleLead(), { status: 'failed' }));

    // Act
    const results = await Promise.all(['S', 'F', 'missing'].map((id) => qualifyLead(id, deps)));

    // Assess
    expect(results).toEqual([
      { outcome: 'skipped', reason: 'spam' },
      { outcome: 'skipped', reason: 'failed' },
      { outcome: 'skipped', reason: 'missing' },
    ]);
    expect(enrichCalls()).toBe(0);
    expect(draftQueue.sent).toEqual([]);
  });

  it('rejects (so the message is retried) when the stored lead is corrupt, storing nothing', async () => {
    // Prepare
    const { store, deps, draftQueue } = setup();
    store.seed(record('L1', { person: 'corrupt' } as unknown as Lead));

    // Act
    const attempt = qualifyLead('L1', deps);

    // Assess
    await expect(attempt).rejects.toThrow();
    expect((await store.get('L1'))?.score).toBeUndefined();
    expect(draftQueue.sent).toEqual([]);
  });

  it('tells the CRM sync once the lead is routed and handed to drafting; again on redelivery', async () => {
    // Prepare
    const { store, draftQueue, deps } = setup();
    const crm = new RecordingCrmNotifier();
    store.seed(record('L1'));

    // Act
    await qualifyLead('L1', { ...deps, crm });
    await qualifyLead('L1', { ...deps, crm });

    // Assess
    expect(draftQueue.sent).toEqual([{ leadId: 'L1' }, { leadId: 'L1' }]);
    expect(crm.notices).toEqual([
      { leadId: 'L1', trigger: 'routed' },
      { leadId: 'L1', trigger: 'routed' },
    ]);
  });

  it('routes and hands over even when the CRM trigger throws', async () => {
    // Prepare
    const { store, draftQueue, deps } = setup();
    store.seed(record('L1'));

    // Act
    const result = await qualifyLead('L1', { ...deps, crm: new RecordingCrmNotifier(true) });

    // Assess
    expect(result.outcome).toBe('routed');
    expect((await store.get('L1'))?.status).toBe('routed');
    expect(draftQueue.sent).toEqual([{ leadId: 'L1' }]);
  });

  it('tells the CRM nothing about spam', async () => {
    // Prepare
    const { store, deps } = setup();
    const crm = new RecordingCrmNotifier();
    store.seed(record('L1', sampleLead(), { status: 'spam' }));

    // Act
    const result = await qualifyLead('L1', { ...deps, crm });

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'spam' });
    expect(crm.notices).toEqual([]);
  });
});
