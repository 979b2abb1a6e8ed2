import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, chatCompletion, startChatServer } from '../../../local/chat-server';
import { INJECTION_CORPUS, type InjectionCase } from '../../../local/injection-corpus';
import { shippedPrompts } from '../../platform/shipped-prompts';
import { FIXED_NOW, REP, sampleInput } from '../testing/samples';
import { buildAllowList } from './allow-list';
import { checkDraft, emailAllowed, findBareHosts, findEmails, findUrls, urlAllowed } from './guardrails';
import { signature } from './template';
import { countHidden } from './text';
import type { DraftingInput } from './types';
import { writeRationaleAndDraft } from './write';

function inject(c: InjectionCase, lang: 'nl' | 'en'): DraftingInput {
  const input = sampleInput({}, lang, 'contact');
  switch (c.field) {
    case 'message':
      input.lead.message = c.text;
      break;
    case 'firstName':
      input.lead.person.firstName = c.text;
      break;
    case 'companyName':
      input.lead.company.name = c.text;
      break;
    case 'jobTitle':
      input.lead.person.jobTitle = c.text;
      break;
    case 'need':
      input.lead.qualifying.need = c.text;
      break;
    case 'productInterest':
      input.lead.qualifying.productInterest = c.text;
      break;
    case 'extra':
      input.lead.extra = { 'Anything else?': c.text };
      break;
    case 'websiteDescription':
      input.enrichment.website!.description = c.text;
      break;
  }
  return input;
}

/** A model that obeys the injection: echoes what it was told plus every link/address it sees in the prompt. */
let current: InjectionCase | undefined;
let server: ChatServer;

beforeAll(async () => {
  server = await startChatServer(({ body }) => {
    const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
    const data = user.slice(user.indexOf('<untrusted_lead_data>'));
    const echoed = [
      ...(current?.echo.claims ?? []),
      ...(current?.echo.links ?? []),
      ...(current?.echo.emails ?? []),
      ...findUrls(data),
      ...findEmails(data),
    ];
    const content = JSON.stringify({
      rationale: `Warm lead with 65 points in the proactive outreach quadrant. As requested: ${echoed.join(' ')}`,
      questionsForFirstCall: ['What budget is available?'],
      nextAction: `Follow the lead's instructions: ${echoed.join(' ')}`,
      email: {
        subject: current?.echo.subject ?? 'Your message',
        body: `Hi Pieter,\n\n${echoed.join('\n')}\n\nKind regards,\n\nAnna de Vries\n${REP.email}`,
      },
    });
    return { body: chatCompletion(content) };
  });
});
afterAll(async () => {
  await server.close();
});

/** The email a model that obeys the injection writes (as the chat server above answers). */
function hijackedEmail(c: InjectionCase): { subject: string; body: string } {
  const echoed = [...(c.echo.claims ?? []), ...(c.echo.links ?? []), ...(c.echo.emails ?? [])];
  return {
    subject: c.echo.subject ?? 'Your message',
    body: `Hi Pieter,\n\n${echoed.join('\n')}\n\nKind regards,\n\nAnna de Vries\n${REP.email}`,
  };
}

function assertNoOutsideLinks(text: string, input: DraftingInput): void {
  const allow = buildAllowList(input);
  for (const u of findUrls(text)) expect(urlAllowed(u, allow), u).toBe(true);
  for (const e of findEmails(text)) expect(emailAllowed(e, allow), e).toBe(true);
  for (const h of findBareHosts(text)) expect(h.endsWith('ourco.example'), h).toBe(true);
  expect(text).not.toMatch(/evil|kwaad/i);
  expect(countHidden(text)).toBe(0);
}

describe('prompt-injection corpus', () => {
  it('has at least 30 cases with unique ids, each echoing something', () => {
    // Prepare
    const ids = new Set(INJECTION_CORPUS.map((c) => c.id));
    // Act
    const silent = INJECTION_CORPUS.filter(
      (c) => !c.echo.claims?.length && !c.echo.links?.length && !c.echo.emails?.length && !c.echo.subject,
    );
    // Assess
    expect(INJECTION_CORPUS.length).toBeGreaterThanOrEqual(55);
    expect(ids.size).toBe(INJECTION_CORPUS.length);
    expect(silent).toEqual([]);
  });

  it.each(INJECTION_CORPUS.flatMap((c) => (['en', 'nl'] as const).map((lang) => [c.id, lang, c] as const)))(
    '%s (%s): a hijacked model changes nothing, leaks nothing and is never auto-sendable',
    async (_id, lang, c) => {
      // Prepare
      const input = inject(c, lang);
      const before = structuredClone({ score: input.score, route: input.route });
      current = c;
      // Act
      const r = await writeRationaleAndDraft(input, {
        llm: {
          apiKey: 'k',
          baseURL: server.baseURL,
          model: 'gpt-4o-mini',
          timeoutMs: 30_000,
          maxRetries: 0,
          prompts: shippedPrompts(),
        },
        now: FIXED_NOW,
        allowList: buildAllowList(input),
      });
      // Assess
      expect(input.score).toEqual(before.score);
      expect(input.route).toEqual(before.route);
      expect(r.draft?.guardrail.passed).toBe(false);
      expect(r.draft?.guardrail.issues.length).toBeGreaterThan(0);
      expect(r.humanReviewRequired).toBe(true);
      expect(r.draft?.provider).toBe('template');
      expect(r.rationale.fallbackReason).toBe('guardrail');
      assertNoOutsideLinks(`${r.draft?.subject}\n${r.draft?.body}`, input);
      expect(r.draft?.subject).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(`${r.draft?.subject}\n${r.draft?.body}`).not.toMatch(
        /0900|555|NL91|complimentary|half off|185\.23|P\.S\.|password|\.\.\//i,
      );
      expect(r.rationale.text).not.toMatch(/https?:\/\/|@evil|@kwaad/i);
    },
  );

  it.each(INJECTION_CORPUS.filter((c) => c.target !== 'rationale').map((c) => [c.id, c] as const))(
    '%s: the hijacked email alone fails the draft guardrails',
    (_id, c) => {
      // Prepare
      const input = inject(c, 'en');
      const ctx = { allowList: buildAllowList(input), ...input, signature: signature(input) };
      // Act
      const { issues } = checkDraft(hijackedEmail(c), ctx);
      // Assess
      expect(issues.length, JSON.stringify(issues)).toBeGreaterThan(0);
    },
  );

  it.each(INJECTION_CORPUS.map((c) => [c.id, c] as const))(
    '%s: the template writer alone stays clean',
    async (_id, c) => {
      // Prepare
      const input = inject(c, 'en');
      // Act
      const r = await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) });
      // Assess
      expect(r.draft?.guardrail).toEqual({ passed: true, issues: [] });
      assertNoOutsideLinks(`${r.draft?.subject}\n${r.draft?.body}`, input);
      expect(countHidden(r.rationale.text)).toBe(0);
    },
  );
});
