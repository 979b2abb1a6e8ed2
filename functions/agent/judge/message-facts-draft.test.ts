import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, chatCompletion, startChatServer } from '../../../local/chat-server';
import { shippedRules } from '../../platform/shipped-rules';
import { buildAllowList, writeRationaleAndDraft } from '../draft';
import { readPromptTemplates } from '../draft/prompts';
import { parseHandoffPolicy } from '../handoff/policy';
import type { LeadRecord } from '../lead-record';
import { type DraftDeps, draftLead } from '../pipeline/draft-lead';
import { scoreEnrichedLead } from '../score';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { REP, sampleEnrichment, sampleLead, sampleRoute } from '../testing/samples';
import { MESSAGE_FACTS_PROMPT, type Proposal, proposeSignals } from './llm-extract';

const NOW = new Date('2026-03-02T08:20:00.000Z');
const prompts = readPromptTemplates(
  (file) => join(import.meta.dirname, '..', '..', '..', 'prompts', file),
  MESSAGE_FACTS_PROMPT,
  1,
);
const MESSAGE = 'De directie heeft het geld hiervoor al vrijgemaakt.';

let server: ChatServer;
let reply: Proposal = { facts: [] };
beforeAll(async () => {
  server = await startChatServer(() => ({ body: chatCompletion(JSON.stringify(reply)) }));
});
afterAll(async () => {
  await server.close();
});

const setup = () => {
  const store = new InMemoryLeadStore();
  const rules = shippedRules();
  const lead = { ...sampleLead(), message: MESSAGE };
  const enrichment = sampleEnrichment();
  const record: LeadRecord = {
    leadId: 'L1',
    status: 'routed',
    receivedAt: NOW.toISOString(),
    provider: 'json',
    dedupKey: 'dedup-L1',
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment,
    score: scoreEnrichedLead(lead, enrichment, rules, NOW),
    route: sampleRoute(),
    steps: {},
  };
  store.seed(record);
  const deps: DraftDeps = {
    store,
    write: (input) => writeRationaleAndDraft(input, { now: () => NOW, allowList: buildAllowList(input) }),
    rep: (id) => (id === REP.id ? REP : undefined),
    handoffPolicy: async () => parseHandoffPolicy({ version: 'handoff@test', default: 'review', rules: [] }),
    sendQueue: new RecordingQueue(),
    clock: () => performance.now(),
    now: () => NOW,
    readMessage: {
      propose: (message, now) =>
        proposeSignals(message, now, {
          apiKey: 'test',
          baseURL: server.baseURL,
          model: 'gpt-4o-mini',
          timeoutMs: 10_000,
          maxRetries: 0,
          prompts,
        }),
      rules,
    },
  };
  return { store, deps, before: record.score! };
};

describe('message facts in the draft step (after routing)', () => {
  it('a fact the rules reward gives a new score version with cause message_facts, quoted in the ledger', async () => {
    // Prepare
    reply = {
      facts: [
        { kind: 'budget', value: 'reserved', quote: 'De directie heeft het geld hiervoor al vrijgemaakt' },
      ],
    };
    const { store, deps, before } = setup();
    // Act
    const result = await draftLead('L1', deps);
    // Assess
    const after = await store.get('L1');
    expect(result.outcome).toBe('drafted');
    expect(after?.score?.total).toBeGreaterThan(before.total);
    expect(after?.scoreVersion).toBe(1);
    expect(after?.score?.ledger.find((e) => e.ruleId === 'budget-approved')).toMatchObject({
      fired: true,
      evidence: { source: 'message', quote: 'De directie heeft het geld hiervoor al vrijgemaakt' },
    });
  });

  it('a proposal that does not quote the message changes nothing', async () => {
    // Prepare
    reply = { facts: [{ kind: 'budget', value: 'approved', quote: 'Het budget is goedgekeurd' }] };
    const { store, deps, before } = setup();
    // Act
    await draftLead('L1', deps);
    // Assess
    expect((await store.get('L1'))?.score).toEqual(before);
  });
});
