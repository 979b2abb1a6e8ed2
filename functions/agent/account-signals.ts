/**
 * Account signals: what is known about a prospect's company from outside our own channels — it is hiring, it
 * raised funding, it is implementing a new system, it is growing — keyed by the company's domain and sent in by
 * a signed source (`POST /signals`). Each applies to every lead of that company, present and future, as an
 * intent signal the scoring rules read (facts `hiring`, `funding`, `newSystem`, `growth` and their ages). Pure:
 * schema, domain normalisation and the mapping onto enrichment's intent signals.
 */
import * as z from 'zod';
import type { IntentSignalSource } from './enrich/types';
import { INTENT_SIGNAL_TYPES, type IntentSignal } from './enrichment';

export const ACCOUNT_SIGNAL_TYPES = INTENT_SIGNAL_TYPES;
export type AccountSignalType = (typeof ACCOUNT_SIGNAL_TYPES)[number];

/** The most signals one request may carry. */
export const MAX_SIGNALS_PER_BATCH = 500;

/** `https://www.Example.com/jobs` → `example.com`; undefined when it is no domain name. */
export const accountDomain = (value: string): string | undefined => {
  const d = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#:].*$/, '')
    .replace(/\.$/, '');
  return /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d) ? d : undefined;
};

const SignalSchema = z.object({
  id: z
    .string({ error: 'id is required' })
    .min(1, { error: 'id is required' })
    .max(200, { error: 'id is longer than 200 characters' }),
  domain: z
    .string({ error: 'domain is required' })
    .max(300)
    .refine((d) => accountDomain(d) !== undefined, {
      error: 'domain must be a domain name, e.g. example.com',
    }),
  type: z.enum(ACCOUNT_SIGNAL_TYPES, { error: `type must be one of ${ACCOUNT_SIGNAL_TYPES.join(', ')}` }),
  occurredAt: z.iso.datetime({ offset: true, error: 'occurredAt must be an ISO date-time with offset' }),
  /** What happened, for the rep: "Series A of €5M", "hiring 3 account executives". */
  detail: z.string({ error: 'detail must be text' }).min(1).max(500).optional(),
  /** Where it was read (a news item, a job posting). */
  url: z.url({ error: 'url must be an absolute URL' }).max(2000).optional(),
});

export const SignalBatchSchema = z.object({
  signals: z
    .array(SignalSchema, { error: 'signals must be a list' })
    .min(1, { error: 'signals must not be empty' })
    .max(MAX_SIGNALS_PER_BATCH, { error: `at most ${MAX_SIGNALS_PER_BATCH} signals per request` }),
});

/** A signal as kept with its company (`ACCOUNT#<domain>`): company facts only, no personal data. */
export interface AccountSignal {
  readonly id: string;
  readonly domain: string;
  readonly type: AccountSignalType;
  readonly occurredAt: string;
  readonly detail?: string;
  readonly url?: string;
  /** The source that signed the request. */
  readonly source: string;
  readonly receivedAt: string;
}

const LABEL: Readonly<Record<AccountSignalType, string>> = {
  hiring: 'Hiring',
  funding: 'Funding',
  new_system: 'New system',
  growth: 'Growth',
};

/** The signal as one of enrichment's intent signals (what the facts and the ledger's evidence read). */
export const asIntentSignal = (s: AccountSignal): IntentSignal => ({
  type: s.type,
  detail: s.detail ?? LABEL[s.type],
  at: s.occurredAt,
  source: s.source,
  ...(s.url ? { url: s.url } : {}),
});

/**
 * The intent signals a lead is scored with: enrichment's own plus its company's account signals, each once (by
 * type, date and detail), so scoring does not depend on how often a signal was sent.
 */
export const withAccountSignals = (
  intent: readonly IntentSignal[] | undefined,
  signals: readonly AccountSignal[],
): IntentSignal[] => {
  const out = new Map<string, IntentSignal>();
  for (const s of [
    ...(intent ?? []),
    ...[...signals].sort((a, b) => (a.id < b.id ? -1 : 1)).map(asIntentSignal),
  ])
    out.set(`${s.type}\u0000${s.at}\u0000${s.detail}`, s);
  return [...out.values()];
};

/**
 * An intent source that adds the company's account signals to another source's (the embedded dataset): a lead
 * that arrives after a signal is qualified with it.
 */
export const withAccountIntent = (
  base: IntentSignalSource,
  signalsOf: (domain: string) => Promise<readonly AccountSignal[]>,
): IntentSignalSource => ({
  async signalsFor(domain, options) {
    const [own, account] = await Promise.all([
      base.signalsFor(domain, options),
      signalsOf(accountDomain(domain) ?? domain.toLowerCase()),
    ]);
    return withAccountSignals(own, account);
  },
});
