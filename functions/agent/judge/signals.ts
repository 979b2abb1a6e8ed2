/**
 * Signals from what the prospect wrote, in Dutch and English: a deterministic extractor (lexicons and
 * patterns, no key needed). Every signal carries the verbatim quote it was read from, so the ledger can show
 * the evidence ("+10 budget approved — 'Het budget is goedgekeurd'"). Pure: `now` is passed in.
 *
 * The extractor reads statements, not hopes: a negated mention ("no budget yet", "geen demo nodig") is
 * not a signal, and a tool is "in use" only where the sentence says so ("we use HubSpot", "wij werken met
 * Salesforce", "our Pipedrive"), not where it is merely named.
 */

export type FactSource = 'form' | 'registry' | 'website' | 'message';

export const SIGNAL_KINDS = [
  'budget',
  'timeline',
  'stage',
  'need',
  'teamSize',
  'tool',
  'action',
  'question',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export type BudgetStatus = 'approved' | 'reserved' | 'range' | 'mentioned';
export type BuyingStage = 'researching' | 'evaluating' | 'comparing' | 'ready_to_buy';
export type RequestedAction = 'demo' | 'pricing' | 'trial' | 'call' | 'information';
export type QuestionTopic = 'sso' | 'integration';
export type ToolCategory = 'crm' | 'marketing_automation';

/** One thing the prospect stated, with the words it was read from. */
export type Signal =
  | { kind: 'budget'; value: BudgetStatus; quote: string; source: FactSource }
  | { kind: 'timeline'; value: number; quote: string; source: FactSource }
  | { kind: 'stage'; value: BuyingStage; quote: string; source: FactSource }
  | { kind: 'need'; value: true; quote: string; source: FactSource }
  | { kind: 'teamSize'; value: number; quote: string; source: FactSource }
  | { kind: 'tool'; value: string; category: ToolCategory; quote: string; source: FactSource }
  | { kind: 'action'; value: RequestedAction; quote: string; source: FactSource }
  | { kind: 'question'; value: QuestionTopic; quote: string; source: FactSource };

const MAX_QUOTE = 160;
const MAX_TEXT = 10_000;

/** The sentence (or line) around [start, end), trimmed and capped: the verbatim quote a rep reads. */
export function quoteAround(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const from = Math.max(
    before.lastIndexOf('. ') + 1,
    before.lastIndexOf('! ') + 1,
    before.lastIndexOf('? ') + 1,
    before.lastIndexOf('\n') + 1,
    0,
  );
  const rest = text.slice(end);
  const stop = rest.search(/[.!?](\s|$)|\n/);
  const to = stop < 0 ? text.length : end + stop;
  let quote = text.slice(from, to).trim();
  if (quote.length > MAX_QUOTE) {
    // Keep the match itself in view.
    const matchFrom = Math.max(0, start - from - 40);
    quote = text
      .slice(from + matchFrom, from + matchFrom + MAX_QUOTE)
      .trim()
      .replace(/\s+\S*$/, '');
  }
  return quote;
}

const NEGATION =
  /\b(geen|no|not|niet|nog geen|zonder|without|don'?t|doesn'?t|hoeven|never|nooit)\s+(\p{L}+\s+){0,2}$/iu;

function negated(text: string, index: number): boolean {
  return NEGATION.test(text.slice(Math.max(0, index - 30), index));
}

interface Found {
  index: number;
  end: number;
}

function* matches(text: string, re: RegExp): Generator<Found> {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (const m of text.matchAll(global)) {
    if (m.index === undefined) continue;
    yield { index: m.index, end: m.index + m[0].length };
  }
}

function first(text: string, re: RegExp, allowNegated = false): Found | undefined {
  for (const found of matches(text, re)) if (allowNegated || !negated(text, found.index)) return found;
  return undefined;
}

// --- budget -------------------------------------------------------------------------------------------

const BUDGET_APPROVED =
  /\bbudget\b[^.!?\n]{0,40}?\b(goedgekeurd|akkoord|rond|toegekend|approved|signed off|sign-off|confirmed|bevestigd)\b|\b(approved|goedgekeurde?)\s+budget\b/iu;
const BUDGET_RESERVED =
  /\bbudget\b[^.!?\n]{0,40}?\b(vrijgemaakt|gereserveerd|reserved|allocated|set aside|beschikbaar|available|opzij gezet)\b|\b(reserved|allocated|gereserveerd)\s+budget\b|\bbudget\s+(voor|for)\s+(dit|this|komend|next)\b/iu;
const MONEY =
  /(?:€|eur(?:o)?\s?|\$|usd\s?)\s?\d[\d.,]*\s?(?:k|K|mille|duizend)?(?:\s?(?:-|–|tot|to|and|en)\s?(?:€|eur\s?)?\s?\d[\d.,]*\s?(?:k|K)?)?|\b\d[\d.,]*\s?(?:k|K)?\s?(?:euro|eur)\b/u;
const BUDGET_WORD = /\b(budget|begroting|investering|investment|spend|uitgeven)\b/iu;
const BUDGET_HAVE =
  /\b(we|wij|ik|i)\s+(hebben|heb|have|has)\s+(\p{L}+\s+)?budget\b|\bbudget\s+(is|ligt|zit)\b/iu;

function budget(text: string, source: FactSource): Signal | undefined {
  const approved = first(text, BUDGET_APPROVED);
  if (approved)
    return {
      kind: 'budget',
      value: 'approved',
      quote: quoteAround(text, approved.index, approved.end),
      source,
    };
  const reserved = first(text, BUDGET_RESERVED);
  if (reserved)
    return {
      kind: 'budget',
      value: 'reserved',
      quote: quoteAround(text, reserved.index, reserved.end),
      source,
    };
  for (const money of matches(text, MONEY)) {
    const quote = quoteAround(text, money.index, money.end);
    if (BUDGET_WORD.test(quote) || source === 'form')
      return { kind: 'budget', value: 'range', quote, source };
  }
  const have = first(text, BUDGET_HAVE);
  if (have)
    return { kind: 'budget', value: 'mentioned', quote: quoteAround(text, have.index, have.end), source };
  return undefined;
}

// --- timeline -----------------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  januari: 0,
  january: 0,
  jan: 0,
  februari: 1,
  february: 1,
  feb: 1,
  maart: 2,
  march: 2,
  april: 3,
  mei: 4,
  may: 4,
  juni: 5,
  june: 5,
  juli: 6,
  july: 6,
  augustus: 7,
  august: 7,
  september: 8,
  sept: 8,
  oktober: 9,
  october: 9,
  november: 10,
  december: 11,
};
const COUNT: Record<string, number> = {
  een: 1,
  één: 1,
  a: 1,
  an: 1,
  one: 1,
  twee: 2,
  two: 2,
  drie: 3,
  three: 3,
  vier: 4,
  four: 4,
  zes: 6,
  six: 6,
  paar: 2,
  couple: 2,
  few: 2,
};

type TimelineReader = [RegExp, (m: RegExpExecArray, now: Date) => number | null];

const monthsUntil = (month: number, now: Date): number => {
  let diff = month - now.getUTCMonth();
  if (diff <= 0) diff += 12;
  return diff;
};
const countOf = (raw: string): number | null => {
  const n = /^\d+$/.test(raw) ? Number(raw) : COUNT[raw.toLowerCase()];
  return n === undefined || !Number.isFinite(n) ? null : n;
};

const TIMELINE_READERS: TimelineReader[] = [
  [
    /\b(per direct|zo snel mogelijk|zsm|z\.s\.m\.|asap|as soon as possible|immediately|right away|meteen|op korte termijn|short term|urgent)\b/iu,
    () => 0,
  ],
  [/\b(dit|deze|this)\s+(kwartaal|quarter|maand|month|week)\b/iu, () => 0],
  [/\b(volgende|volgend|next)\s+(maand|month)\b/iu, () => 1],
  [/\b(volgende|volgend|next)\s+(kwartaal|quarter)\b/iu, () => 3],
  [
    /\bq([1-4])\b/iu,
    (m, now) => {
      const start = (Number(m[1]) - 1) * 3;
      const month = now.getUTCMonth();
      if (Math.floor(month / 3) === Number(m[1]) - 1) return 0;
      return start > month ? start - month : start + 12 - month;
    },
  ],
  [
    /\b(binnen|within|in the next|de komende|in de komende|over)\s+(\d+|een|één|a|one|twee|two|drie|three|vier|four|zes|six|paar|couple|few)\s+(maanden|maand|months?|weken|week|weeks)\b/iu,
    (m) => {
      const n = countOf(m[2]!);
      if (n === null) return null;
      return /^(maand|month)/i.test(m[3]!) ? n : Math.round((n / 4.345) * 10) / 10;
    },
  ],
  [
    /\b(voor|vóór|before|by|uiterlijk|no later than|per|in)\s+(begin\s+|start\s+of\s+|eind\s+|end\s+of\s+)?(januari|january|februari|february|maart|march|april|mei|may|juni|june|juli|july|augustus|august|september|oktober|october|november|december)\b/iu,
    (m, now) => monthsUntil(MONTHS[m[3]!.toLowerCase()]!, now),
  ],
  [
    /\b(dit jaar|this year|voor het einde van het jaar|before the end of the year|by year-?end)\b/iu,
    (_m, now) => 11 - now.getUTCMonth(),
  ],
];

function timeline(text: string, source: FactSource, now: Date): Signal | undefined {
  let best: Signal | undefined;
  for (const [re, read] of TIMELINE_READERS) {
    const m = re.exec(text);
    if (!m || negated(text, m.index)) continue;
    const months = read(m, now);
    if (months === null) continue;
    if (!best || months < (best.value as number))
      best = {
        kind: 'timeline',
        value: months,
        quote: quoteAround(text, m.index, m.index + m[0].length),
        source,
      };
  }
  return best;
}

// --- stage, need, team size ---------------------------------------------------------------------------

const STAGES: Array<[BuyingStage, RegExp]> = [
  [
    'ready_to_buy',
    /\b(ready to (buy|sign|start|purchase|go)|klaar om (te )?(kopen|tekenen|starten|beginnen)|willen (graag )?(starten|tekenen|beginnen|aanschaffen)|want to (start|sign|buy|purchase)|purchase order|inkooporder|getekend contract|contract (tekenen|sign))\b/iu,
  ],
  [
    'comparing',
    /\b(vergelijk\p{L}*|comparing|compare|shortlist|alternatie\p{L}* (voor|to|for)|replace|vervangen|overstappen|switch(ing)? from|migrat\p{L}* from|naast elkaar)\b/iu,
  ],
  [
    'evaluating',
    /\b(evaluat\p{L}*|evalueren|beoordelen|selectie\p{L}*|selecting|looking (at|for) (a |an )?(tool|solution|platform|software|system)|op zoek naar (een )?(tool|oplossing|platform|software|systeem)|assessing|proof of concept|poc|pilot)\b/iu,
  ],
  [
    'researching',
    /\b(oriënt\p{L}*|orient\p{L}*|researching|verkennen|exploring|nieuwsgierig|curious|just looking|rondkijken)\b/iu,
  ],
];

function stage(text: string, source: FactSource): Signal | undefined {
  for (const [value, re] of STAGES) {
    const found = first(text, re);
    if (found) return { kind: 'stage', value, quote: quoteAround(text, found.index, found.end), source };
  }
  return undefined;
}

const NEED =
  /\b(we (need|are looking for|want to|struggle|lose|miss)|wij (zoeken|willen|missen|verliezen)|we (zoeken|willen|missen|verliezen)|behoefte aan|op zoek naar|hebben moeite|struggl\p{L}*|worstel\p{L}*|pijnpunt|pain point|problem|probleem|handmatig|manual(ly)?|te traag|too slow|leads (blijven liggen|gaan verloren|slip)|losing leads|follow[- ]up)\b/iu;

function need(text: string, source: FactSource): Signal | undefined {
  const found = first(text, NEED);
  return found
    ? { kind: 'need', value: true, quote: quoteAround(text, found.index, found.end), source }
    : undefined;
}

const TEAM =
  /\b(\d{1,5})\s*(?:\+\s*)?(sales ?reps?|reps|verkopers|accountmanagers?|account managers?|sdrs?|bdrs?|salespeople|sales people|gebruikers|users|seats|licenties|licenses|licences|agents|medewerkers in (de )?sales|people in sales|vertegenwoordigers)\b|\b(team|sales ?team|salesteam|verkoopteam)\s+(of|van)\s+(\d{1,5})\b/iu;

function teamSize(text: string, source: FactSource): Signal | undefined {
  const m = TEAM.exec(text);
  if (!m) return undefined;
  const value = Number(m[1] ?? m[5]);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  return { kind: 'teamSize', value, quote: quoteAround(text, m.index, m.index + m[0].length), source };
}

// --- tools --------------------------------------------------------------------------------------------

const TOOLS: Array<[string, ToolCategory, RegExp]> = [
  ['hubspot', 'crm', /\bhub\s?spot\b/iu],
  ['salesforce', 'crm', /\bsales\s?force\b|\bsfdc\b/iu],
  ['pipedrive', 'crm', /\bpipedrive\b/iu],
  ['microsoft dynamics', 'crm', /\b(ms |microsoft )?dynamics( 365| crm)?\b/iu],
  ['zoho', 'crm', /\bzoho\b/iu],
  ['teamleader', 'crm', /\bteamleader\b/iu],
  ['freshsales', 'crm', /\bfresh(sales|works)\b/iu],
  ['copper', 'crm', /\bcopper crm\b/iu],
  ['close', 'crm', /\bclose\.com\b|\bclose crm\b/iu],
  ['excel', 'crm', /\b(excel|spreadsheets?|google sheets)\b/iu],
  ['marketo', 'marketing_automation', /\bmarketo\b/iu],
  ['pardot', 'marketing_automation', /\bpardot\b|\baccount engagement\b/iu],
  ['mailchimp', 'marketing_automation', /\bmailchimp\b/iu],
  ['activecampaign', 'marketing_automation', /\bactive\s?campaign\b/iu],
  ['spotler', 'marketing_automation', /\bspotler\b/iu],
  ['klaviyo', 'marketing_automation', /\bklaviyo\b/iu],
];
const TOOL_IN_USE =
  /\b(we use|we're using|we are using|we currently use|we work with|we run|we are on|we're on|currently on|currently using|our|ons|onze|wij gebruiken|we gebruiken|gebruiken (nu|momenteel|al)|werken (nu |momenteel )?(met|in)|zitten (nu )?(op|in)|draaien (op|met)|in gebruik|migrating from|moving from|overstappen van|switch(ing)? from)\b/iu;

function tools(text: string, source: FactSource): Signal[] {
  const out: Signal[] = [];
  for (const [name, category, re] of TOOLS) {
    const found = first(text, re);
    if (!found) continue;
    const quote = quoteAround(text, found.index, found.end);
    // Excel/spreadsheets are where leads live without a CRM: no CRM in use.
    if (name === 'excel') continue;
    if (source === 'form' || TOOL_IN_USE.test(quote))
      out.push({ kind: 'tool', value: name, category, quote, source });
  }
  return out;
}

// --- requested action and questions -------------------------------------------------------------------

const ACTIONS: Array<[RequestedAction, RegExp]> = [
  [
    'demo',
    /\b(demo\p{L}*|demonstratie|walkthrough|walk-through|rondleiding|show (us|me) (the|your|how)|laten zien hoe)\b/iu,
  ],
  [
    'trial',
    /\b(trial|proefperiode|proefaccount|testaccount|uitproberen|try (it|the product|your)|gratis proberen|free account)\b/iu,
  ],
  [
    'pricing',
    /\b(prijs|prijzen|prijsopgave|kosten|wat kost|offerte|pricing|price|prices|quote|quotation|how much|tarie\p{L}*|licentiekosten|cost)\b/iu,
  ],
  [
    'call',
    /\b(bel (me|ons)|bellen|terugbellen|call (me|us|back)|phone call|belafspraak|afspraak (maken|inplannen)|kennismakingsgesprek|een gesprek|schedule a (call|meeting)|set up a (call|meeting)|book a (call|meeting)|talk to (someone|sales|a person)|spreken met)\b/iu,
  ],
  [
    'information',
    /\b(meer informatie|more information|more info|informatie over|information about|brochure|documentatie|documentation)\b/iu,
  ],
];

function actions(text: string, source: FactSource): Signal[] {
  const out: Signal[] = [];
  for (const [value, re] of ACTIONS) {
    const found = first(text, re);
    if (found) out.push({ kind: 'action', value, quote: quoteAround(text, found.index, found.end), source });
  }
  return out;
}

const QUESTIONS: Array<[QuestionTopic, RegExp]> = [
  ['sso', /\b(sso|single sign[- ]on|saml|okta|azure ad|entra id|scim)\b/iu],
  [
    'integration',
    /\b(integrat\p{L}*|koppel\p{L}*|api|webhooks?|connect(or|s)? (with|to)|sync(hronis\p{L}*)? (with|met))\b/iu,
  ],
];

function questions(text: string, source: FactSource): Signal[] {
  const out: Signal[] = [];
  for (const [value, re] of QUESTIONS) {
    const found = first(text, re, true);
    if (found)
      out.push({ kind: 'question', value, quote: quoteAround(text, found.index, found.end), source });
  }
  return out;
}

// --- entry point --------------------------------------------------------------------------------------

/** Every signal one text states. `source` says where the text came from (the message or a form field). */
export function extractSignals(text: string | undefined, source: FactSource, now: Date): Signal[] {
  if (!text) return [];
  const t = text.slice(0, MAX_TEXT);
  if (t.trim() === '') return [];
  const out: Signal[] = [];
  const push = (signal: Signal | undefined) => {
    if (signal) out.push(signal);
  };
  push(budget(t, source));
  push(timeline(t, source, now));
  push(stage(t, source));
  push(need(t, source));
  push(teamSize(t, source));
  out.push(...tools(t, source), ...actions(t, source), ...questions(t, source));
  return out;
}
