/**
 * Small text-safety helpers shared by the prompt builder, the template writer and the guardrails.
 */

/**
 * Invisible or direction-changing characters: format characters (zero-width, bidi embeddings/isolates,
 * Unicode tag characters U+E0000–E007F, soft hyphen, BOM), Hangul fillers and C0/C1 controls except tab
 * and newline. Such characters can hide instructions from a human reviewer.
 */
const FORMAT_AND_FILLERS = '\\p{Cf}\\u034F\\u115F\\u1160\\u180E\\u3164\\uFFA0';
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
/** Built from strings: Biome's regex-literal lints would reject these (intended) code points. */
const HIDDEN_RE = new RegExp(`[${FORMAT_AND_FILLERS}${CONTROLS}]`, 'gu');

export function countHidden(text: string): number {
  return text.match(HIDDEN_RE)?.length ?? 0;
}

export function stripHidden(text: string): string {
  return text.replace(HIDDEN_RE, '');
}

/** The tag name the user prompt wraps untrusted lead data in. */
export const UNTRUSTED_TAG = 'untrusted_lead_data';

/**
 * Makes untrusted text safe to place inside the delimited block of a prompt: NFKC (turns full-width
 * look-alikes into ASCII), hidden characters removed, angle brackets replaced by look-alikes so no text
 * can open or close a tag, and a length cap.
 */
export function neutraliseUntrusted(text: string, max = 4000): string {
  const clean = stripHidden(text.normalize('NFKC')).replace(/</g, '‹').replace(/>/g, '›');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * A personal name safe to put in a greeting: letters (any script), marks, apostrophes, hyphens and spaces
 * only, at most three words and 40 characters; anything else (URLs, addresses, instructions) → undefined.
 */
export function safeName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = stripHidden(raw.normalize('NFKC')).replace(/\s+/g, ' ').trim();
  if (!name || name.length > 40) return undefined;
  if (!/^\p{L}[\p{L}\p{M}'’ -]*$/u.test(name)) return undefined;
  if (name.split(' ').length > 3) return undefined;
  return name;
}

/**
 * A short phrase (company name, product interest) safe to repeat in a prospect-facing draft: letters,
 * digits, spaces and `& - ' , / .` only, at most 60 characters, and nothing that reads as a host name
 * ("B.V." is fine, "evil.example" is not).
 */
export function safePhrase(raw: string | undefined, max = 60): string | undefined {
  if (!raw) return undefined;
  const phrase = stripHidden(raw.normalize('NFKC')).replace(/\s+/g, ' ').trim();
  if (!phrase || phrase.length > max) return undefined;
  if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N} &'’,/.-]*$/u.test(phrase)) return undefined;
  if (/[\p{L}\p{N}-]\.[\p{L}\p{N}]{2,}/u.test(phrase)) return undefined;
  return phrase;
}

/** A label for the rep's eyes (rationale, not prospect-facing): hidden characters out, collapsed, capped. */
export function repLabel(raw: string | undefined, max = 80): string | undefined {
  if (!raw) return undefined;
  const label = stripHidden(raw.normalize('NFKC')).replace(/\s+/g, ' ').trim();
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
