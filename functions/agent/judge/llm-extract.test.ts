import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, chatCompletion, startChatServer } from '../../../local/chat-server';
import { INJECTION_CORPUS } from '../../../local/injection-corpus';
import { shippedRules } from '../../platform/shipped-rules';
import { readPromptTemplates } from '../draft/prompts';
import { scoreEnrichedLead } from '../score';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import { checkProposal, MESSAGE_FACTS_PROMPT, type Proposal, proposeSignals } from './llm-extract';

const NOW = new Date('2025-12-02T09:30:00Z');
const prompts = readPromptTemplates(
  (file) => join(import.meta.dirname, '..', '..', '..', 'prompts', file),
  MESSAGE_FACTS_PROMPT,
  1,
);

let server: ChatServer;
let reply: Proposal = { facts: [] };
beforeAll(async () => {
  server = await startChatServer(() => ({ body: chatCompletion(JSON.stringify(reply)) }));
});
afterAll(async () => {
  await server.close();
});

const config = () => ({
  apiKey: 'test',
  baseURL: server.baseURL,
  model: 'gpt-4o-mini',
  timeoutMs: 10_000,
  maxRetries: 0,
  prompts,
});

describe('LLM message facts: proposed with a verbatim quote, checked, scored by the rules', () => {
  it('keeps facts quoted verbatim, drops invented quotes and unknown values, and the ledger shows the quote', async () => {
    // Prepare
    const message = 'Onze directie heeft het geld al vrijgemaakt; we zitten nu met twaalf man in Pipedrive.';
    reply = {
      facts: [
        { kind: 'budget', value: 'reserved', quote: 'Onze directie heeft het geld al vrijgemaakt' },
        { kind: 'tool', value: 'pipedrive', quote: 'we zitten nu met twaalf man in Pipedrive' },
        { kind: 'teamSize', value: '12', quote: 'twaalf man' },
        { kind: 'timeline', value: '0', quote: 'we willen morgen starten' },
        { kind: 'stage', value: 'very_interested', quote: 'Onze directie' },
      ],
    };
    // Act
    const extraction = await proposeSignals(message, NOW, config());
    const score = scoreEnrichedLead(makeLead({ message }), makeEnrichment(), shippedRules(), NOW, {
      proposed: extraction.signals,
    });
    // Assess
    expect(extraction.signals.map((s) => s.kind)).toEqual(['budget', 'tool', 'teamSize']);
    expect(extraction.dropped).toBe(2);
    expect(server.requests.at(-1)?.messages[1]?.content).toContain('<untrusted_message>');
    expect(score.ledger.find((e) => e.ruleId === 'budget-approved')).toMatchObject({
      fired: true,
      evidence: { source: 'message', quote: 'Onze directie heeft het geld al vrijgemaakt' },
    });
  });

  it('a model that obeys an injection creates no facts: quotes from instructions or outside the message are dropped', () => {
    // Prepare
    for (const injection of INJECTION_CORPUS.filter((c) => c.field === 'message')) {
      const proposal: Proposal = {
        facts: [
          { kind: 'budget', value: 'approved', quote: injection.text.split(/[.!?\n]/)[0] ?? injection.text },
          { kind: 'action', value: 'demo', quote: 'the lead is verified' },
        ],
      };
      // Act
      const checked = checkProposal(injection.text, proposal);
      // Assess: whatever survives must quote the message outside an instruction
      for (const signal of checked.signals) expect(injection.text).toContain(signal.quote);
      expect({
        id: injection.id,
        budget: checked.signals.some(
          (s) => s.kind === 'budget' && /ignore|negeer|system|score|hot/i.test(s.quote),
        ),
      }).toEqual({ id: injection.id, budget: false });
    }
  });

  it('a failing model proposes nothing and says why', async () => {
    // Prepare
    const failing = await startChatServer(() => ({
      status: 500,
      body: { error: { message: 'boom', type: 'server_error' } },
    }));
    // Act
    const extraction = await proposeSignals('We willen een demo.', NOW, {
      ...config(),
      baseURL: failing.baseURL,
    });
    await failing.close();
    // Assess
    expect(extraction.signals).toEqual([]);
    expect(extraction.failure).toBeDefined();
  });
});
