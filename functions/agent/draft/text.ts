/**
 * Small text-safety helpers shared by the prompt builder, the template writer and the guardrails.
 *
 * Everything here is linear in the length of its input: no pattern has an unbounded quantifier that can cross
 * whitespace, and callers cap text (`LIMITS`) before any pattern runs on it.
 */

/** Hard caps, applied before any pattern matching (a longer text is an issue by itself). */
export const LIMITS = {
  /** A prospect-facing subject line. */
  subject: 200,
  /** A prospect-facing body drafted by the LLM or the template. */
  body: 5_000,
  /** A body written or edited by a rep. */
  repBody: 20_000,
  /** The rep-facing rationale, next action and each question. */
  rationale: 2_000,
  /** The longest unbroken run of non-space characters looked at as one token (links included). */
  token: 256,
} as const;

/**
 * Counts the characters each pass of a check looks at, so tests can assert that the work is bounded by the
 * (capped) input size instead of timing it.
 */
export interface Meter {
  steps: number;
}

export const meter = (): Meter => ({ steps: 0 });

/** Adds `n` steps to `m` (when metering) and returns `n`. */
export const tick = (m: Meter | undefined, n: number): number => {
  if (m) m.steps += n;
  return n;
};

/**
 * Invisible or direction-changing characters: format characters (zero-width, bidi embeddings/isolates/marks,
 * Unicode tag characters U+E0000–E007F, soft hyphen, BOM), variation selectors (they can smuggle data behind
 * an emoji), Hangul fillers and C0/C1 controls except tab and newline. Such characters can hide instructions
 * or reverse text for a human reader.
 */
const FORMAT_AND_FILLERS =
  '\\p{Cf}\\u034F\\u115F\\u1160\\u180E\\u3164\\uFFA0\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}';
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
/** Built from strings: Biome's regex-literal lints would reject these (intended) code points. */
const HIDDEN_RE = new RegExp(`[${FORMAT_AND_FILLERS}${CONTROLS}]`, 'gu');
/** Bidi embeddings, overrides, isolates and marks only (U+061C, U+200E/F, U+202A–E, U+2066–9). */
export const BIDI_RE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

export function countHidden(text: string): number {
  return text.match(HIDDEN_RE)?.length ?? 0;
}

export function stripHidden(text: string): string {
  return text.replace(HIDDEN_RE, '');
}

/** Line breaks a one-line field must not contain: CR, LF, NEL, VT, FF, LINE and PARAGRAPH SEPARATOR. */
const LINE_BREAK_CHARS = '\\r\\n\\u0085\\u000B\\u000C\\u2028\\u2029';
const LINE_BREAK_RE = new RegExp(`[${LINE_BREAK_CHARS}]`, 'u');
const LINE_BREAKS_RE = new RegExp(`[${LINE_BREAK_CHARS}]+`, 'gu');

export function hasLineBreak(text: string): boolean {
  return LINE_BREAK_RE.test(text);
}

/** One line: every run of line breaks becomes one space. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS_RE, ' ');
}

/** U+2028 / U+2029 / CRLF / CR as plain `\n`, so a body has one kind of line break. */
export function plainLineBreaks(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n');
}

/** Full stops in other scripts and widths that mail clients and browsers may read as a dot in a host name. */
const DOT_LOOKALIKES_RE = /[\u3002\uFF61\uFE12\uFF0E\u2024\u2E3C\u0701\u0702\u06D4]/g;
/** Dots and at-signs spelt out to get past a filter: `evil[.]com`, `evil (dot) com`, `x [at] evil.com`. */
const SPELT_DOT_RE =
  / ?(?:\[\.\]|\(\.\)|\{\.\}|<\.>|\[dot\]|\(dot\)|\{dot\}|<dot>|\[punt\]|\(punt\)) ?| dot (?=\p{L})/giu;
const SPELT_AT_RE = / ?(?:\[at\]|\(at\)|\{at\}|<at>|\[@\]|\(@\)|\[apenstaart\]) ?/giu;
const DEFANGED_SCHEME_RE = /\bhxxp/gi;

/**
 * The text the guardrails match on: capped at `max`, NFKC (full-width and other compatibility forms become
 * ASCII: `ｈｔｔｐｓ：／／` → `https://`), hidden characters removed, look-alike and spelt-out dots and
 * at-signs folded (`。`, `[.]`, ` dot `, `[at]`), defanged `hxxp` read as `http`, whitespace collapsed to
 * single spaces, and every unbroken run longer than `LIMITS.token` split. Linear in `min(text, max)`.
 */
export function matchingText(text: string, max: number, m?: Meter): string {
  const capped = text.length > max ? text.slice(0, max) : text;
  tick(m, capped.length);
  // NFKC may expand a character (at most 18×); cap again so every later pass stays linear in `max`.
  let s = capped.normalize('NFKC');
  if (s.length > max * 2) s = s.slice(0, max * 2);
  tick(m, s.length * 7);
  s = stripHidden(s)
    .replace(DOT_LOOKALIKES_RE, '.')
    .replace(SPELT_DOT_RE, '.')
    .replace(SPELT_AT_RE, '@')
    .replace(DEFANGED_SCHEME_RE, 'http')
    .replace(/\s+/g, ' ');
  return splitLongRuns(s, m);
}

/** Inserts a space into every run of non-space characters longer than `LIMITS.token`. */
function splitLongRuns(s: string, m?: Meter): string {
  tick(m, s.length);
  let run = 0;
  let out: string[] | undefined;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 32) {
      run = 0;
      continue;
    }
    if (++run > LIMITS.token) {
      out ??= [];
      out.push(s.slice(from, i), ' ');
      from = i;
      run = 1;
    }
  }
  if (!out) return s;
  out.push(s.slice(from));
  return out.join('');
}

/** True when some run of non-space characters in `text` is longer than `LIMITS.token`. */
export function hasLongRun(text: string, m?: Meter): boolean {
  tick(m, text.length);
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) run = 0;
    else if (++run > LIMITS.token) return true;
  }
  return false;
}

/** The tag name the user prompt wraps untrusted lead data in. */
export const UNTRUSTED_TAG = 'untrusted_lead_data';

/**
 * Makes untrusted text safe to place inside the delimited block of a prompt: NFKC (turns full-width
 * look-alikes into ASCII), hidden characters removed, angle brackets replaced by look-alikes so no text
 * can open or close a tag, and a length cap.
 */
export function neutraliseUntrusted(text: string, max = 4000): string {
  const capped = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const clean = stripHidden(capped.normalize('NFKC')).replace(/</g, '‹').replace(/>/g, '›');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * A first name safe to put in a greeting of a prospect-facing email: ONE word of letters (any script),
 * marks, apostrophes and inner hyphens, at most 24 characters. One word cannot carry a message, a number or
 * a link; anything else ("Call Now", URLs, addresses, digits) → undefined and the greeting stays neutral.
 */
export function safeName(raw: string | undefined): string | undefined {
  if (!raw || raw.length > 200) return undefined;
  const name = stripHidden(raw.normalize('NFKC')).trim();
  if (!name || name.length > 24) return undefined;
  if (!/^\p{L}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}'’]*)?$/u.test(name)) return undefined;
  return name;
}

/**
 * A short phrase (company name) safe to show a REP (rationale, inbox): letters, digits, spaces and
 * `& - ' , / .` only, at most 60 characters, and nothing that reads as a host name ("B.V." is fine,
 * "evil.example" is not). Prospect-facing text never repeats lead text except `safeName`.
 */
export function safePhrase(raw: string | undefined, max = 60): string | undefined {
  if (!raw || raw.length > max * 4) return undefined;
  const phrase = stripHidden(raw.normalize('NFKC')).replace(/\s+/g, ' ').trim();
  if (!phrase || phrase.length > max) return undefined;
  if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N} &'’,/.-]*$/u.test(phrase)) return undefined;
  if (/[\p{L}\p{N}-]\.[\p{L}\p{N}]{2,}/u.test(phrase)) return undefined;
  return phrase;
}

/** A label for the rep's eyes (rationale, not prospect-facing): hidden characters out, collapsed, capped. */
export function repLabel(raw: string | undefined, max = 80): string | undefined {
  if (!raw) return undefined;
  const capped = raw.length > max * 4 ? raw.slice(0, max * 4) : raw;
  const label = stripHidden(capped.normalize('NFKC')).replace(/\s+/g, ' ').trim();
  if (!label) return undefined;
  return label.length > max ? `${label.slice(0, max)}…` : label;
}

/** Formats points with an explicit sign: +20, -15, +7.5. */
export function signed(n: number): string {
  const v = Math.round(n * 10) / 10;
  return v >= 0 ? `+${v}` : `${v}`;
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
