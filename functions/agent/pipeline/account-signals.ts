/**
 * `POST /signals`: account signals (hiring, funding, new system, growth) keyed by company domain, from a signed
 * source. Each is kept once per domain and id; every lead of that company (the `byDomain` index, no scan) gets a
 * debounced re-score, which reads the company's signals as intent signals; a later lead of the company is scored
 * with them at qualification (the intent tool reads them, and its cached answer for the domain expires here).
 */
import { type AccountSignal, accountDomain, SignalBatchSchema } from '../account-signals';
import type { EnrichmentCache } from '../enrich/types';
import type { LeadQueue, RescoreStore } from '../ports';
import { firstIssue, RESCORE_DEBOUNCE_SECONDS } from './rescore-lead';

/** How long a signal is kept after it happened: by then its decayed points are negligible. */
export const ACCOUNT_SIGNAL_RETENTION_DAYS = 400;
const DAY_MS = 86_400_000;
const STALE_MARK_SECONDS = 120;
const CONCURRENCY = 16;

export interface SignalDeps {
  readonly store: RescoreStore;
  readonly rescoreQueue: LeadQueue;
  readonly now: () => Date;
  /** The enrichment cache: the intent tool's answer for a domain with a new signal expires. */
  readonly cache?: EnrichmentCache;
  readonly debounceSeconds?: number;
}

export interface SignalResult {
  /** New signals kept. */
  readonly accepted: number;
  /** Signals kept before (same domain and id): not an error. */
  readonly duplicates: number;
  /** Signals older than the retention: not kept. */
  readonly expired: number;
  /** Leads of the signals' companies. */
  readonly leads: number;
  /** Leads a re-score was queued for (a lead already waiting for one is not queued again). */
  readonly rescoring: number;
}

/** The intent tool's cache key of a domain (functions/agent/enrich/tools/intent.ts). */
export const intentCacheKey = (domain: string) => `intent:v1:${domain}`;

const inParallel = async <T>(items: readonly T[], work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

export const ingestSignals = async (
  deps: SignalDeps,
  source: string,
  body: unknown,
): Promise<SignalResult> => {
  const parsed = SignalBatchSchema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error);
  const now = deps.now();
  let accepted = 0;
  let duplicates = 0;
  let expired = 0;
  const domains = new Set<string>();
  await inParallel(parsed.data.signals, async (s) => {
    const domain = accountDomain(s.domain) as string;
    const occurredAt = new Date(s.occurredAt).toISOString();
    const expiresAt = new Date(Date.parse(occurredAt) + ACCOUNT_SIGNAL_RETENTION_DAYS * DAY_MS);
    if (expiresAt <= now) {
      expired++;
      return;
    }
    const signal: AccountSignal = {
      id: s.id,
      domain,
      type: s.type,
      occurredAt,
      ...(s.detail ? { detail: s.detail } : {}),
      ...(s.url ? { url: s.url } : {}),
      source,
      receivedAt: now.toISOString(),
    };
    if (await deps.store.addAccountSignal(signal, expiresAt)) {
      accepted++;
      domains.add(domain);
    } else duplicates++;
  });
  const leadIds = new Set<string>();
  await inParallel([...domains], async (domain) => {
    // Expired now: the next lead of the company is enriched with this signal.
    await deps.cache?.put(intentCacheKey(domain), null, 0);
    for (const id of await deps.store.leadIdsByDomain(domain)) leadIds.add(id);
  });
  let rescoring = 0;
  await inParallel([...leadIds], async (leadId) => {
    if (!(await deps.store.requestRescore(leadId, now, STALE_MARK_SECONDS))) return;
    await deps.rescoreQueue.send(
      { leadId },
      { delaySeconds: deps.debounceSeconds ?? RESCORE_DEBOUNCE_SECONDS },
    );
    rescoring++;
  });
  return { accepted, duplicates, expired, leads: leadIds.size, rescoring };
};
