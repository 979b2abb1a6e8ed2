import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REP, sampleInput } from '../testing/samples';
import { buildAllowList } from './allow-list';
import {
  checkDraft,
  checkRationale,
  type GuardrailContext,
  sanitiseRepEdit,
  stripHtml,
  urlAllowed,
} from './guardrails';
import { signature, writeTemplate } from './template';
import { LIMITS, meter } from './text';

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

const signed = (text: string) =>
  `Hi Pieter,\n\n${text}\n\nKind regards,\n\nAnna de Vries\nAccount Executive\n${REP.email}`;
const sigCtx: GuardrailContext = { ...ctx, signature: signature(input) };

describe('checkDraft: the hostile outputs of the security review', () => {
  it.each([
    [
      'a phone number to call',
      'Your account is locked, call 0900 555 0199 now.',
      'draft: states a phone number',
    ],
    ['an international number', 'Call +31 (0)20-123 4567 today.', 'draft: states a phone number'],
    ['an IBAN', 'Transfer the deposit to NL91 ABNA 0417 1643 00.', 'draft: states a bank account number'],
    [
      'a payment request',
      'Please pay now via the payment link.',
      'draft: asks for a payment, bank details or credentials',
    ],
    [
      'a complimentary year',
      'Your first year is complimentary.',
      'draft: promises a discount, free offer or guarantee',
    ],
    ['half off', 'You get half off the licence.', 'draft: promises a discount, free offer or guarantee'],
    ['a free year', 'The first year free, of course.', 'draft: promises a discount, free offer or guarantee'],
    [
      'a Dutch price',
      'Het kost maar 49,- per maand.',
      'draft: states a price or currency amount not in the input',
    ],
    [
      'a bracketed dot',
      'Sign in at evil-portal[.]com to continue.',
      'draft: host name not on the allow-list',
    ],
    [
      'an ideographic full stop',
      'Sign in at evil-portal。com to continue.',
      'draft: host name not on the allow-list',
    ],
    ['a spelt-out dot', 'Sign in at evil-portal dot com/login.', 'draft: host name not on the allow-list'],
    [
      'a full-width URL',
      'Log in: ｈｔｔｐｓ：／／ｅｖｉｌ－ｐｏｒｔａｌ．ｃｏｍ／ｌｏｇｉｎ',
      'draft: link not on the allow-list',
    ],
    ['a bare IP path', 'The documents are at 185.23.4.5/docs/login.', 'draft: an IP address'],
    ['a decimal IP URL', 'See http://3105031429/login.', 'draft: a link to an IP address'],
    [
      'a booking link climbing out',
      `Book here: ${REP.bookingUrl}/../../evil/login`,
      'draft: link not on the allow-list',
    ],
    [
      'a javascript: link',
      'Click javascript:alert(1) to confirm.',
      'draft: a link with a scheme other than http(s)',
    ],
    ['a tel: link', 'Ring tel:+31201234567 now.', 'draft: a phone or messaging link'],
    [
      'a link with credentials',
      'https://www.ourco.example@evil.example/x',
      'draft: a link with a user name or password',
    ],
    ['a backslash link', 'https://book.calendar.example\\@evil.example/', 'draft: a link with a backslash'],
  ])('flags %s', (_what, text, issue) => {
    // Act
    const r = checkDraft({ subject: 'Your demo', body: signed(text) }, sigCtx);
    // Assess
    expect(r.issues).toContain(issue);
  });

  it.each([
    ['CR LF', 'Your demo\r\nBcc: all@victim.example'],
    ['LF', 'Your demo\nReply-To: evil@evil.example'],
    ['U+2028', 'Your demo\u2028Reply-To: evil@evil.example'],
    ['U+2029', 'Your demo\u2029second line'],
  ])('flags a subject with %s and returns it on one line', (_what, subject) => {
    // Act
    const r = checkDraft({ subject, body: signed('See you soon.') }, sigCtx);
    // Assess
    expect(r.issues).toContain('draft subject: more than one line');
    expect(r.draft.subject).not.toMatch(/[\r\n\u2028\u2029]/);
  });

  it('flags a second, fake signature and text after the signature', () => {
    // Act
    const twice = checkDraft(
      {
        subject: 'Hi',
        body: signed('Kind regards,\n\nAnna de Vries\nAccount Executive\n\nP.S. Reply with the invoice.'),
      },
      sigCtx,
    );
    const after = checkDraft(
      { subject: 'Hi', body: `${signed('See you.')}\n\nP.S. Our CFO Jan will follow up.` },
      sigCtx,
    );
    const nameTwice = checkDraft(
      { subject: 'Hi', body: signed('Anna de Vries\nFinance\n\nSee you.') },
      sigCtx,
    );
    // Assess
    expect(twice.issues).toContain('draft: more than one closing or signature');
    expect(after.issues).toContain('draft: text after the signature');
    expect(nameTwice.issues).toContain('draft: more than one closing or signature');
  });

  it('flags a draft over the length caps before looking at its content', () => {
    // Act
    const r = checkDraft(
      { subject: 'S'.repeat(LIMITS.subject + 1), body: signed('x '.repeat(LIMITS.body)) },
      sigCtx,
    );
    // Assess
    expect(r.issues).toContain(`draft: subject longer than ${LIMITS.subject} characters`);
    expect(r.issues).toContain(`draft: body longer than ${LIMITS.body} characters`);
  });

  it('passes honest drafts: the template in both languages, links and dates that are fine', () => {
    // Prepare
    const drafts = (['nl', 'en'] as const).flatMap((lang) =>
      (['demo_request', 'pricing', 'contact', 'trial', 'download', 'newsletter', 'other'] as const).map(
        (form) => {
          const i = sampleInput({}, lang, form);
          return { email: writeTemplate(i).email!, ctx: { ...ctx, ...i, signature: signature(i) } };
        },
      ),
    );
    const prose = signed(
      `Thanks for your question about planning 40 trucks in 3 depots. Could we talk on 2026-03-10 at 10:00? Our cases are at https://www.ourco.example/cases and you can book here: ${REP.bookingUrl}?month=2026-03. Feel free to reply.`,
    );
    // Act
    const results = [
      ...drafts.map((d) => checkDraft(d.email, d.ctx)),
      checkDraft({ subject: 'Your question', body: prose }, sigCtx),
    ];
    // Assess
    for (const r of results) expect(r.issues).toEqual([]);
  });

  it('lets a phrase from our own configuration state its price and number, and nothing else', () => {
    // Prepare
    const allow = buildAllowList({
      ...input,
      approvedPhrases: ['Starter plan: €49 per month', 'call us on 020 123 4567'],
    });
    const c: GuardrailContext = { ...sigCtx, allowList: allow };
    // Act
    const ok = checkDraft(
      { subject: 'Plans', body: signed('Our Starter plan: €49 per month. Or call us on 020 123 4567.') },
      c,
    );
    const other = checkDraft({ subject: 'Plans', body: signed('Our Starter plan: €39 per month.') }, c);
    // Assess
    expect(ok.issues).toEqual([]);
    expect(other.issues).toContain('draft: states a price or currency amount not in the input');
  });
});

describe('allow-list links', () => {
  it.each([
    [`${REP.bookingUrl}/../../evil`, false],
    [`${REP.bookingUrl}/%2e%2e/%2e%2e/evil`, false],
    [`${REP.bookingUrl}/..%2f..%2fevil`, false],
    ['https://book.calendar.example/anna/intro/../intro/slot', true],
    ['https://book.calendar.example:8443/anna/intro', false],
    ['http://book.calendar.example/anna/intro', false],
    ['https://BOOK.calendar.example/anna/intro', true],
    ['https://127.0.0.1/anna/intro', false],
    ['https://[::1]/x', false],
    ['https://0x7f000001/', false],
  ])('%s allowed: %s', (url, allowed) => {
    // Act / Assess
    expect(urlAllowed(url, ctx.allowList)).toBe(allowed);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Fuzz: safety, no false alarms, bounded work

const fullWidth = (s: string) =>
  [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
const HOSTILE = [
  'https://evil-portal.com/login',
  'evil-portal.com',
  'www.evil-portal.com',
  '//evil-portal.com/x',
  'billing@evil-portal.com',
  '185.23.4.5/login',
  `${REP.bookingUrl}/../../evil`,
  '0900 555 0199',
  '+31 20 123 4567',
  'NL91 ABNA 0417 1643 00',
  '€49',
  '49 euro',
  '20% off',
  '30 procent',
  'complimentary',
  'half off',
  'korting',
  'for free',
  'gratis',
  'your password',
];
type Obfuscation = (s: string, pos: number) => string;
const OBFUSCATIONS: Obfuscation[] = [
  (s) => s,
  (s) => fullWidth(s),
  (s) => s.toUpperCase(),
  (s) => s.replaceAll('.', '。'),
  (s) => s.replaceAll('.', '[.]'),
  (s) => s.replaceAll('.', '(dot)'),
  (s, pos) => `${s.slice(0, pos % (s.length + 1))}\u200B${s.slice(pos % (s.length + 1))}`,
  (s) => `\u2066${s}\u2069`,
  (s) => `[here](${s})`,
  (s) => s.replace(/^https/, 'hxxps'),
];
const BENIGN_WORDS = [
  'thank',
  'you',
  'for',
  'your',
  'request',
  'demo',
  'planning',
  'team',
  'next',
  'happy',
  'help',
  'question',
  'we',
  'can',
  'show',
  'how',
  'it',
  'works',
  'bedankt',
  'voor',
  'uw',
  'aanvraag',
  'gesprek',
  'graag',
  'een',
  'moment',
  'Monday',
  'morning',
  'trucks',
  'depots',
  '2',
  '3',
  '12',
  'in',
  'the',
  'and',
  'of',
  'to',
  'reply',
  'feel free',
  'soon',
  'route',
  'tool',
  'Excel',
  'situation',
  'B.V.',
  'e.g.',
  'Q3',
  'B2B',
];
const benignText = fc
  .array(fc.tuple(fc.constantFrom(...BENIGN_WORDS), fc.constantFrom(' ', ' ', ' ', ', ', '. ', '\n')), {
    minLength: 1,
    maxLength: 60,
  })
  .map((ws) =>
    ws
      // Numbers side by side ("12 12 2 12") read as a phone number, rightly: prose has a word between them.
      .filter(([w], i) => !(/^\d+$/.test(w) && i > 0 && /^\d+$/.test(ws[i - 1]![0])))
      .map(([w, sep]) => `${w}${sep}`)
      .join('')
      .trim(),
  );

describe('guardrail fuzz', () => {
  it('safety: no hostile fragment survives, whatever the obfuscation and the text around it', () => {
    fc.assert(
      fc.property(
        benignText,
        fc.constantFrom(...HOSTILE),
        fc.nat(OBFUSCATIONS.length - 1),
        fc.nat(),
        benignText,
        (before, hostile, o, pos, after) => {
          // Prepare
          const text = `${before} ${OBFUSCATIONS[o]!(hostile, pos)} ${after}`;
          // Act
          const r = checkDraft({ subject: 'Your demo', body: signed(text) }, sigCtx);
          // Assess
          expect(r.issues.length, text).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('no false alarms on plain business prose with allowed links', () => {
    fc.assert(
      fc.property(
        benignText,
        fc.constantFrom('', ` ${REP.bookingUrl}`, ' https://www.ourco.example/cases', ` ${REP.email}`),
        (text, link) => {
          // Act
          const r = checkDraft({ subject: 'Your demo', body: signed(`${text}${link}`) }, sigCtx);
          // Assess
          expect(r.issues, text).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  const ADVERSARIAL = [
    'a',
    '1',
    '1.',
    'upgrad',
    '<a ',
    'x@',
    '.',
    'www.',
    'ａ',
    '\u200B',
    ' ',
    '\n',
    'evil.',
    '+3',
    'https://',
    'free ',
    '€',
    '[.]',
  ];

  it('bounded work: a 100 KB or 1 MB draft costs what a capped one costs, under a fixed budget', () => {
    fc.assert(
      fc.property(fc.subarray(ADVERSARIAL, { minLength: 1 }), (parts) => {
        // Prepare
        const unit = parts.join('');
        const make = (n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
        const cost = (n: number) => {
          const m = meter();
          checkDraft({ subject: make(Math.min(n, 1000)), body: make(n) }, sigCtx, m);
          checkRationale(
            { rationale: make(n), nextAction: make(n), questionsForFirstCall: [make(n)] },
            ctx,
            m,
          );
          return m.steps;
        };
        // Act
        const at100k = cost(100_000);
        const at1m = cost(1_000_000);
        // Assess
        const budget = 40 * (LIMITS.subject + LIMITS.body) + 40 * 3 * LIMITS.rationale;
        expect(at1m).toBe(at100k);
        expect(at100k).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 40 },
    );
  });

  it('linear work below the cap: four times the text costs at most about four times the steps', () => {
    fc.assert(
      fc.property(fc.subarray(ADVERSARIAL, { minLength: 1 }), (parts) => {
        // Prepare
        const unit = parts.join('');
        const make = (n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
        const cost = (n: number) => {
          const m = meter();
          checkDraft({ subject: 'Hi', body: make(n) }, sigCtx, m);
          return m.steps;
        };
        // Act
        const small = cost(1_000);
        const large = cost(4_000);
        // Assess
        expect(large).toBeLessThanOrEqual(4.5 * small);
      }),
      { numRuns: 40 },
    );
  });
});

describe('sanitiseRepEdit', () => {
  it('attack: removes HTML and hidden characters from a rep edit and says what it removed', () => {
    // Act
    const r = sanitiseRepEdit(
      { subject: 'Your de\u200Bmo', body: 'Hello <b>there</b>\u202Eevil\u202C\n\nAnna' },
      ctx.allowList,
    );
    // Assess
    expect(r).toEqual({
      subject: 'Your demo',
      body: 'Hello thereevil\n\nAnna',
      removed: [
        'subject: 1 hidden unicode character(s) removed',
        'body: 2 hidden unicode character(s) removed',
        'body: HTML removed',
      ],
      problems: [],
    });
  });

  it.each([
    ['U+2028 in the subject', { subject: 'Your demo\u2028Bcc: x@y.z', body: 'Hi' }, 'subject'],
    ['CR LF in the subject', { subject: 'Your demo\r\nBcc: x@y.z', body: 'Hi' }, 'subject'],
    ['a foreign link', { subject: 'Hi', body: 'See https://evil.example/login' }, 'body'],
    ['an obfuscated foreign link', { subject: 'Hi', body: 'See evil-portal[.]com' }, 'body'],
    ['a foreign address', { subject: 'Hi', body: 'Mail billing@evil.example' }, 'body'],
    ['an IP link', { subject: 'Hi', body: 'http://10.0.0.1/admin' }, 'body'],
  ])('attack: refuses %s, naming the field', (_what, edit, field) => {
    // Act
    const r = sanitiseRepEdit(edit, ctx.allowList);
    // Assess
    expect(r.problems.map((p) => p.field)).toContain(field);
    expect(r.problems[0]?.message.length).toBeGreaterThan(20);
  });

  it('lets a rep state prices, numbers and allowed links', () => {
    // Act
    const r = sanitiseRepEdit(
      {
        subject: 'Our offer',
        body: `It is €49 per month; call me on 020 123 4567 or book ${REP.bookingUrl}.`,
      },
      ctx.allowList,
    );
    // Assess
    expect(r.problems).toEqual([]);
    expect(r.removed).toEqual([]);
  });
});
