/** Drafting with no LLM key configured: the deterministic template writes rationale and draft, marked so. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

let p: PipelineStack;
beforeAll(async () => {
  p = await startPipelineStack({ env: { OPENAI_API_KEY: '' } });
});
afterAll(async () => {
  await p?.stop();
});

describe('draft pipeline without an LLM key', () => {
  it('marks rationale and draft as written by the template, with the reason', async () => {
    // Prepare
    const body = roostrSubmission(p.site.origin);
    // Act
    const leadId = await p.post(body);
    const lead = await p.waitForLead(leadId, (l) => l.rationale !== undefined);
    // Assess
    expect(lead.route?.ownerId).toMatch(/^rep-/);
    expect(lead.rationale).toMatchObject({ provider: 'template', fallbackReason: 'llm_not_configured' });
    expect(lead.draft?.provider).toBe('template');
    expect(lead.draft?.body.length).toBeGreaterThan(20);
  });
});
