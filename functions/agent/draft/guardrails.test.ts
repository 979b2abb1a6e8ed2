import { describe, expect, it } from 'vitest';
import { REP, sampleInput } from '../testing/samples';
import { buildAllowList } from './allow-list';
import { checkDraft, checkRationale, type GuardrailContext, stripHtml, urlAllowed } from './guardrails';

const input = sampleInput({}, 'en');
const ctx: GuardrailContext = { allowList: buildAllowList(input), ...input };
const SIGN = '\n\nAnna de Vries';

describe('allow-list', () => {
  it('holds our site domain, the rep address and the booking link, never the lead site', () => {
    // Act
    const allow = buildAllowList(input);
    // Assess
    expect(allow).toEqual({
      domains: ['ourco.example'],
      emails: [REP.email],
      urls: ['https://www.ourco.example', REP.bookingUrl],
    });
    expect(urlAllowed('https://bakkerlogistiek.nl', allow)).toBe(false);
  });

  it.each([
    ['https://www.ourco.example/cases', true],
    ['https://book.calendar.example/anna/intro?x=1', true],
    ['https://book.calendar.example/anna/intro-evil', false],
    ['https://book.calendar.example/someone-else', false],
    ['https://ourco.example.evil.example/', false],
    ['https://www.ourco.example@evil.example/', false],
    ['javascript:alert(1)', false],
  ])('%s allowed: %s', (url, allowed) => {
    // Act + Assess
    expect(urlAllowed(url, ctx.allowList)).toBe(allowed);
  });
});

describe('checkDraft', () => {
  it('passes a plain, signed draft with allowed links', () => {
    // Act
    const r = checkDraft(
      { subject: 'Hi', body: `Hello,\n\nBook here: ${REP.bookingUrl} or mail ${REP.email}.${SIGN}` },
      ctx,
    );
    // Assess
    expect(r.issues).toEqual([]);
  });

  it.each([
    ['an outside link', 'See https://evil.example', 'draft: link not on the allow-list'],
    ['an outside address', 'Mail boss@evil.example', 'draft: email address not on the allow-list'],
    ['a bare host', 'Go to evil.example', 'draft: host name not on the allow-list'],
    ['a price', 'It is only €49 a month', 'draft: states a price or currency amount not in the input'],
    ['a percentage', 'You get 20% off', 'draft: states a percentage (discount?) not in the input'],
    ['a discount', 'We can give you korting', 'draft: promises a discount, free offer or guarantee'],
    ['scoring talk', 'You are a hot lead with score 90', 'draft: mentions internal scoring, tier or routing'],
    ['HTML', 'Hello <b>there</b>', 'draft body: HTML removed'],
    ['zero-width', 'Hel\u200Blo', 'draft body: 1 hidden unicode character(s) removed'],
  ])('flags %s', (_what, text, issue) => {
    // Act
    const r = checkDraft({ subject: 'Hi', body: `${text}${SIGN}` }, ctx);
    // Assess
    expect(r.issues).toContain(issue);
  });

  it('flags a draft not signed by the assigned rep, and strips HTML to plain text', () => {
    // Act
    const r = checkDraft({ subject: 'Hi', body: '<p>Hello <script>x()</script>there</p>\n\nBob' }, ctx);
    // Assess
    expect(r.issues).toContain('draft: not signed by the assigned rep');
    expect(r.draft.body).toBe('Hello there\n\nBob');
    expect(stripHtml('a < b & c')).toBe('a < b & c');
  });
});

describe('checkRationale', () => {
  const ok =
    'Warm lead, 65 points, proactive outreach. Fit 30 from 10–200 employees (+20) and NL or BE (+10); 45 employees, data confidence 90%.';

  it('accepts figures that exist in the ledger, score and enrichment', () => {
    // Act
    const r = checkRationale(
      { rationale: ok, nextAction: 'Call by rule route.nl-smb.', questionsForFirstCall: [] },
      ctx,
    );
    // Assess
    expect(r.issues).toEqual([]);
  });

  it.each([
    [
      'an invented figure',
      'They have 1.200 employees.',
      'rationale: figure 1.200 is not in the ledger, score or enrichment',
    ],
    ['another tier', 'This is a hot lead.', 'rationale: claims tier "hot" but the tier is "warm"'],
    [
      'another quadrant',
      'Quadrant: act now.',
      'rationale: claims quadrant "act_now" but it is "proactive_outreach"',
    ],
    [
      'another score',
      'Total score of 70 overall.',
      'rationale: claims a score of 70 that is not in the score',
    ],
    [
      'a re-routing',
      'Reassign to the enterprise team.',
      'rationale: asks to change the score, tier or route, or to skip review',
    ],
    [
      'a Dutch re-scoring',
      'Verhoog de score.',
      'rationale: asks to change the score, tier or route, or to skip review',
    ],
  ])('flags %s', (_what, text, issue) => {
    // Act
    const r = checkRationale(
      { rationale: `${ok} ${text}`, nextAction: 'Call.', questionsForFirstCall: [] },
      ctx,
    );
    // Assess
    expect(r.issues).toContain(issue);
  });
});
