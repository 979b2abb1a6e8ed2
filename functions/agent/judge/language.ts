/**
 * The prospect's language, in this order: what they wrote (identified by eld, a maintained n-gram language
 * detector, on a generated subset of its database: data/language-ngrams.json), then the form's language
 * field, the page URL (/nl/, /en/), the country and the email/website domain, and Accept-Language last.
 * The source is recorded with the lead. We write Dutch and English; another language the prospect
 * clearly writes in gets English.
 */
// eld's engine, fed our subset of its database (the package's entry points each load a full database, which
// takes over a second to parse on a small machine).
// @ts-expect-error: eld ships no types for its engine module.
import { createEld } from '../../../node_modules/eld/src/languageDetector.js';
import { readBundledFile } from '../bundled-file';
import { languageFromAcceptLanguage, languageOf } from '../intake/normalise';
import type { Language } from '../lead';

export const LANGUAGE_SOURCES = [
  'message',
  'form',
  'page_url',
  'country',
  'domain',
  'accept_language',
  'default',
] as const;
export type LanguageSource = (typeof LANGUAGE_SOURCES)[number];

export interface LanguageDecision {
  readonly language: Language;
  readonly source: LanguageSource;
  /** The language eld identified in the text (ISO 639-1), also when it is neither Dutch nor English. */
  readonly detected?: string;
}

interface Detector {
  detect(text: string): { language: string; isReliable(): boolean };
}

let detector: Detector | undefined;

function loadDetector(): Detector {
  if (!detector) {
    const data = JSON.parse(readBundledFile('data/language-ngrams.json')) as unknown;
    const { instance, loadData } = createEld() as { instance: Detector; loadData: (data: unknown) => string };
    if (!loadData(data)) throw new Error('data/language-ngrams.json is not an eld n-gram database');
    detector = instance;
  }
  return detector;
}

/** Fewer letters than this say too little to tell Dutch from English ("Demo", "Hi"). */
const MIN_LETTERS = 12;

/** The language of a text, or undefined when it is too short or eld is not sure. */
export function identifyLanguage(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const sample = text.slice(0, 1000);
  if ((sample.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return undefined;
  const result = loadDetector().detect(sample);
  return result.language && result.isReliable() ? result.language : undefined;
}

export interface LanguageClues {
  /** Free text the prospect wrote (message first, then other answers). */
  readonly texts: ReadonlyArray<string | undefined>;
  readonly formLanguage?: string;
  readonly pageUrl?: string;
  readonly country?: string;
  /** Company domain (website or business email). */
  readonly domain?: string;
  readonly acceptLanguage?: string;
}

const DUTCH_COUNTRIES = new Set(['NL', 'SR']);

/** Decides the language from the clues, in order, and says which clue decided. */
export function decideLanguage(clues: LanguageClues): LanguageDecision {
  const text = clues.texts.filter((part): part is string => Boolean(part?.trim())).join('\n');
  const detected = identifyLanguage(text);
  if (detected) return { language: detected === 'nl' ? 'nl' : 'en', source: 'message', detected };
  // A form that states another language gets English: we write Dutch and English.
  if (clues.formLanguage?.trim()) return { language: languageOf(clues.formLanguage) ?? 'en', source: 'form' };
  const path = languageOfPath(clues.pageUrl);
  if (path) return { language: path, source: 'page_url' };
  if (clues.country && DUTCH_COUNTRIES.has(clues.country)) return { language: 'nl', source: 'country' };
  if (clues.country && clues.country !== 'BE') return { language: 'en', source: 'country' };
  if (clues.domain && /\.nl$/i.test(clues.domain)) return { language: 'nl', source: 'domain' };
  const accepted = languageFromAcceptLanguage(clues.acceptLanguage);
  if (accepted) return { language: accepted, source: 'accept_language' };
  return { language: 'en', source: 'default' };
}

function languageOfPath(pageUrl: string | undefined): Language | undefined {
  if (!pageUrl) return undefined;
  try {
    const segment = new URL(pageUrl).pathname.split('/')[1]?.toLowerCase() ?? '';
    return languageOf(segment.length <= 5 ? segment : undefined);
  } catch {
    return undefined;
  }
}
