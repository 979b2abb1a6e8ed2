import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXED_NOW, REP, sampleInput } from '../testing/samples';
import { buildAllowList } from './allow-list';
import { checkDraft, emailAllowed, findBareHosts, findEmails, findUrls, urlAllowed } from './guardrails';
import { signature, TEMPLATE_VERSION, writeTemplate } from './template';
import { countHidden } from './text';
import { writeRationaleAndDraft } from './write';

describe('template writer', () => {
  it('is deterministic: the same input gives the same output', async () => {
    // Prepare
    const input = sampleInput();
    const deps = { now: FIXED_NOW, allowList: buildAllowList(input) };
    // Act
    const a = await writeRationaleAndDraft(input, deps);
    const b = await writeRationaleAndDraft(sampleInput(), deps);
    // Assess
    expect(a).toEqual(b);
    expect(a.rationale.provider).toBe('template');
    expect(a.rationale.promptVersion).toBe(TEMPLATE_VERSION);
    expect(a.rationale.fallbackReason).toBe('llm_not_configured');
    expect(a.draft?.guardrail).toEqual({ passed: true, issues: [] });
    expect(a.humanReviewRequired).toBe(false);
  });

  it('gives a rep four short lines: why this tier, what to open with, what is missing, when (local time)', async () => {
    // Prepare
    const input = sampleInput({ timeZone: 'Europe/Amsterdam' }, 'en');
    // Act
    const r = await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) });
    // Assess
    const [lines, questions] = r.rationale.text.split('\n\n');
    expect(lines?.split('\n')).toEqual([
      'Why: Warm (65) — 10–200 employees (+20), demo request (+20), NL or BE (+10).',
      'Open with: their demo request: propose two times; mention that they are hiring.',
      'Missing: budget, timing.',
      'When: first contact before Tue 3 Mar, 09:14 CET.',
    ]);
    expect(r.rationale.text).not.toMatch(/\d{4}-\d{2}-\d{2}T|route\.nl-smb|quadrant|Tools/);
    expect(r.questionsForFirstCall).toHaveLength(2); // budget and timing are missing
    expect(questions).toContain(r.questionsForFirstCall[0]);
    expect(r.nextAction).toBe(
      'Anna de Vries: contact the lead before Tue 3 Mar, 09:14 CET about their demo request: propose two times.',
    );
  });

  it('says which sources could not be checked in words, and that a nurture lead needs no rep', async () => {
    // Prepare
    const base = sampleInput({}, 'en');
    const input = sampleInput(
      {
        enrichment: {
          ...base.enrichment,
          tools: { ...base.enrichment.tools, website: { status: 'error', ms: 3, error: 'ECONNRESET' } },
        },
        route: { ...base.route, kind: 'nurture', ownerId: undefined, slaDueAt: undefined },
      },
      'en',
    );
    // Act
    const r = await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) });
    // Assess
    const lines = r.rationale.text.split('\n\n')[0]?.split('\n') ?? [];
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('Missing: budget, timing; could not check their website.');
    expect(lines[3]).toBe('When: no rep needed, the lead goes into the nurture sequence.');
    expect(r.rationale.text).not.toContain('ECONNRESET');
  });

  it('writes the rationale in Dutch when asked, with Dutch times', async () => {
    // Prepare
    const input = sampleInput({ rationaleLanguage: 'nl', timeZone: 'Europe/Amsterdam' });
    // Act
    const r = await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) });
    // Assess
    expect(r.rationale.text).toContain('Waarom: Warm (65) — 10–200 employees (+20)');
    expect(r.rationale.text).toContain('Wanneer: eerste contact vóór di 3 mrt, 09:14 CET.');
    expect(r.rationale.text).toContain('Vragen voor het eerste gesprek:');
    expect(r.nextAction).toMatch(/^Anna de Vries, neem contact op vóór di 3 mrt/);
  });

  it('writes a Dutch demo reply with the booking link, addressed by first name, signed by the rep', () => {
    // Prepare
    const input = sampleInput({}, 'nl', 'demo_request');
    // Act
    const out = writeTemplate(input);
    // Assess
    expect(out.email?.subject).toBe('Uw demo-aanvraag');
    expect(out.email?.body).toMatch(/^Beste Pieter,/);
    expect(out.email?.body).toContain('Dank voor uw demo-aanvraag. Ik laat');
    expect(out.email?.body).toContain(REP.bookingUrl);
    expect(out.email?.body).toContain(
      `Met vriendelijke groet,\n\nAnna de Vries\nAccount Executive\n${REP.email}`,
    );
  });

  it('answers pricing questions in English with a call, never a price', () => {
    // Prepare
    const input = sampleInput({ rep: { ...REP, bookingUrl: undefined } }, 'en', 'pricing');
    // Act
    const out = writeTemplate(input);
    // Assess
    expect(out.email?.subject).toBe('Your question about pricing');
    expect(out.email?.body).toMatch(/^Hi Pieter,/);
    expect(out.email?.body).toContain('short call');
    expect(out.email?.body).not.toMatch(/[€$]|\d+\s?%/);
    expect(out.email?.body).toContain('Would you let me know when a short call suits you?');
  });

  it.each([
    ['download', 'en', 'Following up on your download', 'downloading our material'],
    ['contact', 'en', 'Your message', "Thank you for your message. I'll make sure"],
    ['download', 'nl', 'Naar aanleiding van uw download', 'downloaden van ons materiaal'],
    ['contact', 'nl', 'Uw bericht', 'Dank voor uw bericht. Ik zorg'],
  ] as const)('answers a %s form in %s', (form, lang, subject, phrase) => {
    // Prepare
    const input = sampleInput({}, lang, form);
    // Act
    const out = writeTemplate(input);
    // Assess
    expect(out.email?.subject).toBe(subject);
    expect(out.email?.body).toContain(phrase);
  });

  it('attack: quotes nothing the lead typed, not even a short phrase (company, interest, a name of two words)', () => {
    // Prepare: the ~60-character phishing text that earlier went out verbatim via productInterest
    const input = sampleInput({}, 'en', 'contact');
    input.lead.qualifying.productInterest = 'your invoice. Your account is locked, call 0900 555 0199 now';
    input.lead.company.name = 'Account Locked Call Now BV';
    input.lead.qualifying.need = 'Verify your account';
    input.lead.person.firstName = 'Call Now';
    // Act
    const email = writeTemplate(input).email!;
    // Assess
    const all = `${email.subject}\n${email.body}`;
    expect(all).toMatch(/^Your message\nHello,/);
    for (const word of ['invoice', 'locked', '0900', 'Verify', 'Call', 'Account Locked'])
      expect(all).not.toContain(word);
  });

  it('uses a neutral greeting and team signature when the name is unusable and there is no rep', async () => {
    // Prepare
    const base = sampleInput(
      { rep: undefined, route: { ...sampleInput().route, kind: 'nurture', ownerId: undefined } },
      'en',
    );
    const input = { ...base, lead: { ...base.lead, person: { firstName: 'Ignore https://evil.example' } } };
    // Act
    const r = await writeRationaleAndDraft(input, { now: FIXED_NOW, allowList: buildAllowList(input) });
    // Assess
    expect(r.draft?.body).toMatch(/^Hello,/);
    expect(r.draft?.body).toContain('The sales team');
    expect(r.draft?.body).not.toContain('evil');
    expect(r.nextAction).toContain('nurture sequence');
    expect(r.draft?.guardrail.passed).toBe(true);
  });

  it('never lets lead text put an outside link, address or hidden character into the draft (fuzz)', () => {
    // Prepare
    const base = sampleInput();
    const allow = buildAllowList(base);
    const hostile = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constantFrom(
        'https://evil.example',
        'x@evil.example',
        'evil.example',
        'www.evil.example',
        '\u200Bjan',
        'Jan\u202E',
      ),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, fc.constantFrom('nl', 'en'), (name, company, interest, lang) => {
        const input = sampleInput({}, lang as 'nl' | 'en', 'contact');
        input.lead.person.firstName = name;
        input.lead.company.name = company;
        input.lead.qualifying.productInterest = interest;
        // Act
        const email = writeTemplate(input).email!;
        const checked = checkDraft(email, { allowList: allow, ...input, signature: signature(input) });
        // Assess
        const all = `${email.subject}\n${email.body}`;
        expect(findUrls(all).every((u) => urlAllowed(u, allow))).toBe(true);
        expect(findEmails(all).every((e) => emailAllowed(e, allow))).toBe(true);
        expect(findBareHosts(all).every((h) => h.endsWith('ourco.example'))).toBe(true);
        expect(countHidden(all)).toBe(0);
        expect(checked.issues).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
