/**
 * A score that lives: engagement events come in (`POST /events`), are kept once per id with their lead, and a
 * debounced re-score (one queue message per burst) computes a new score version from the lead, its enrichment
 * and every event it has, with the rules in force. Each version keeps the full ledger, the rules version, the
 * delta against the one before and its cause; `GET /leads/{id}` shows them as `scoreHistory`, newest first.
 *
 * Deterministic: the score is a function of the set of events (not their order, not how often each arrived) and
 * the moment of scoring, and the cause names that set, so replays produce no second version for the same cause.
 */
import { createHash } from 'node:crypto';
import { type AccountSignal, withAccountSignals } from '../account-signals';
import { notifyCrm } from '../crm/notify';
import { DomainError } from '../errors';
import { EventBatchSchema, type IncomingEvent, type LeadEvent, leadWithEvents, pageOf } from '../events';
import { verifySignature } from '../intake/signatures';
import { carriedDisposition } from '../judge/disposition';
import type { LeadRecord, ScoreVersion } from '../lead-record';
import { decideLead } from '../lifecycle';
import {
  type CrmNotifier,
  type EnrichmentRefresh,
  type LeadQueue,
  MailerError,
  type RescoreStore,
} from '../ports';
import { saltedEmailHash } from '../privacy/links';
import { emailSha256 } from '../privacy/rights';
import type { Score } from '../qualification';
import { type CompiledRules, scoreEnrichedLead } from '../score';
import { type AlertDeps, alertFor, deliverAlert } from './alert-owner';
import { requalifyDue } from './requalify-lead';

export interface RescoreDeps {
  readonly store: RescoreStore;
  /**
   * Where a nurtured lead goes when a re-score raises its tier to warm or hot: routing runs again (an owner and a
   * first draft). Without it the lead stays in nurture.
   */
  readonly qualifyQueue?: LeadQueue;
  /** The rules in force (through the rules loader, so the source can change). */
  readonly rules: () => CompiledRules;
  readonly now: () => Date;
  /** The CRM sync's trigger (absent: no CRM): each new score version updates the deal and adds a note. */
  readonly crm?: CrmNotifier;
  /**
   * Alerting an owned lead's owner when a re-score raises it (absent: no alert is marked or sent). The alert's
   * store is the same table as `store`.
   */
  readonly alerts?: Omit<AlertDeps, 'now'>;
}

/** How long a burst of events is gathered before its one re-score, and when a mark counts as stale. */
export const RESCORE_DEBOUNCE_SECONDS = 5;
const STALE_MARK_SECONDS = 120;

export interface IngestDeps {
  readonly store: RescoreStore;
  readonly rescoreQueue: LeadQueue;
  readonly now: () => Date;
  readonly debounceSeconds?: number;
  /**
   * Puts an address on the suppression list (no outreach ever again): an `unsubscribe` event stops every email
   * to its address, whether or not we hold a lead for it yet.
   */
  readonly suppress?: (email: string) => Promise<void>;
  /**
   * Events given by `email` for which no lead exists yet are parked under the address's salted hash (`secret`:
   * the privacy secret) for `days`, and attached when a lead with that address arrives. Absent: such events are
   * counted as unknown and dropped.
   */
  readonly parking?: { readonly secret: string; readonly days: number };
}

export interface IngestResult {
  /** New events kept. */
  readonly accepted: number;
  /** Events kept before (same id): not an error. */
  readonly duplicates: number;
  /** Events for a lead we do not have: not an error, nothing kept. */
  readonly unknown: number;
  /** Events given by an address without a lead yet, kept until its lead arrives (within the parking window). */
  readonly parked: number;
  /** Leads a re-score was queued for. */
  readonly rescoring: number;
}

export interface EventRequest {
  /** `?source=` of the request: who sends (the key of its secret). */
  readonly source: string | undefined;
  readonly rawBody: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly method: string;
  readonly url: string;
}

/**
 * The request's source, verified like an intake webhook: `x-signature: sha256=<hex HMAC-SHA256 of the body>`
 * with the source's secret. A source without a secret is refused, unless unsigned events are allowed (the local
 * stack), since events raise scores.
 */
export const verifiedSource = (
  request: EventRequest,
  options: { secrets: Readonly<Record<string, string>>; allowUnsigned: boolean; now: Date },
): string => {
  const source = request.source ?? 'default';
  if (!/^[A-Za-z0-9_-]{1,50}$/.test(source))
    throw new DomainError('invalid', 'source must be 1–50 letters, digits, - or _', { field: 'source' });
  const secret = options.secrets[source];
  if (!secret) {
    if (options.allowUnsigned) return source;
    throw new DomainError('unauthorized', 'Unknown event source: configure its secret', { field: 'source' });
  }
  const verdict = verifySignature('json', {
    rawBody: request.rawBody,
    headers: { ...request.headers },
    method: request.method,
    url: request.url,
    secret,
    now: options.now,
  });
  if (!verdict.ok)
    throw new DomainError('unauthorized', 'The event signature is missing or invalid', {
      issues: [{ field: 'signature', message: verdict.reason.replaceAll('_', ' ') }],
    });
  return source;
};

/** Storage calls of one batch in flight at once. */
const INGEST_CONCURRENCY = 16;

/** Runs `work` over `items`, `limit` at a time. */
const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

export const firstIssue = (error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}) => {
  const issues = error.issues.map((i) => ({
    field:
      i.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        '',
      ) || 'body',
    message: i.message,
  }));
  return new DomainError('invalid', issues[0]?.message ?? 'The request is not valid', { issues });
};

/**
 * `POST /events`: a batch from one (verified) source. Each event is kept once with its lead; every lead that
 * got a new event is marked for a re-score, and the first mark of a burst queues one (delayed by the debounce).
 */
export const ingestEvents = async (
  deps: IngestDeps,
  source: string,
  body: unknown,
): Promise<IngestResult> => {
  const parsed = EventBatchSchema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error);
  const now = deps.now();
  let accepted = 0;
  let duplicates = 0;
  let unknown = 0;
  let parked = 0;
  const touched = new Set<string>();
  const parkedAddresses = new Set<string>();
  // Each lead is read once per batch, however many of its events the batch carries.
  const records = new Map<string, Promise<LeadRecord | undefined>>();
  const recordOf = (leadId: string) => {
    let p = records.get(leadId);
    if (!p) {
      p = deps.store.get(leadId);
      records.set(leadId, p);
    }
    return p;
  };
  // An address is looked up once per batch (the byEmail index): its newest lead takes its events.
  const byAddress = new Map<string, Promise<string | undefined>>();
  const leadOfAddress = (email: string) => {
    const hash = emailSha256(email);
    let p = byAddress.get(hash);
    if (!p) {
      p = deps.store.leadIdsByEmail(hash).then((ids) => ids.at(-1));
      byAddress.set(hash, p);
    }
    return p;
  };
  const keep = async (e: IncomingEvent) => {
    const leadId = e.leadId ?? (e.email && deps.parking ? await leadOfAddress(e.email) : undefined);
    const record = leadId ? await recordOf(leadId) : undefined;
    if (e.type === 'unsubscribe' && deps.suppress) {
      // Before the event is kept, so a crash in between leaves no unsubscribe without its suppression.
      const email = e.email ?? record?.lead.person.email;
      if (email) await deps.suppress(email);
    }
    const page = e.type === 'page_view' ? pageOf(e.url) : undefined;
    const event: LeadEvent = {
      id: e.id,
      type: e.type,
      occurredAt: new Date(e.occurredAt).toISOString(),
      source,
      ...(page ? { page } : {}),
      ...(e.machine !== undefined ? { machine: e.machine } : {}),
      receivedAt: now.toISOString(),
    };
    if (!leadId || !record) {
      if (e.email && deps.parking) {
        const key = addressKey(deps.parking.secret, e.email);
        const until = new Date(now.getTime() + deps.parking.days * DAY_MS);
        if (await deps.store.parkEvent(key, event, until)) parked++;
        else duplicates++;
        parkedAddresses.add(e.email);
        return;
      }
      unknown++;
      return;
    }
    if (await deps.store.addEvent(leadId, event)) {
      accepted++;
      touched.add(leadId);
    } else duplicates++;
  };
  await inParallel(parsed.data.events, INGEST_CONCURRENCY, keep);
  // A lead of a parked address may have arrived (and been qualified) while this batch was parking: attach now,
  // as its qualification looked before the events were parked.
  await inParallel([...parkedAddresses], INGEST_CONCURRENCY, async (email) => {
    const leadId = (await deps.store.leadIdsByEmail(emailSha256(email))).at(-1);
    const record = leadId ? await deps.store.get(leadId) : undefined;
    if (record?.score && deps.parking)
      await attachParkedEvents({ ...deps, secret: deps.parking.secret }, record);
  });
  let rescoring = 0;
  await inParallel([...touched], INGEST_CONCURRENCY, async (leadId) => {
    if (!(await deps.store.requestRescore(leadId, now, STALE_MARK_SECONDS))) return;
    await deps.rescoreQueue.send(
      { leadId },
      { delaySeconds: deps.debounceSeconds ?? RESCORE_DEBOUNCE_SECONDS },
    );
    rescoring++;
  });
  return { accepted, duplicates, unknown, parked, rescoring };
};

const DAY_MS = 86_400_000;

/** The key parked events of an address live under: the address's salted hash (as the suppression list's). */
export const addressKey = (secret: string, email: string): string => saltedEmailHash(secret, email);

export interface ParkingDeps {
  readonly store: RescoreStore;
  readonly rescoreQueue: LeadQueue;
  /** The privacy secret (salts the address key). */
  readonly secret: string;
  readonly now: () => Date;
  readonly debounceSeconds?: number;
}

/**
 * After qualification: the events parked for the lead's address (sent before the lead existed) are attached to
 * it once (a redelivery or a replayed lead attaches nothing twice: the event ids are kept once per lead) and a
 * debounced re-score follows. One query when nothing is parked. A person who objected to profiling is not
 * re-scored, so nothing is attached (the parked events expire).
 */
export const attachParkedEvents = async (deps: ParkingDeps, record: LeadRecord): Promise<number> => {
  const email = record.lead.person.email;
  if (!email || record.unscored) return 0;
  const key = addressKey(deps.secret, email);
  const now = deps.now();
  const events = await deps.store.parkedEvents(key, now);
  if (events.length === 0) return 0;
  let attached = 0;
  for (const e of events) if (await deps.store.addEvent(record.leadId, e)) attached++;
  await deps.store.unparkEvents(
    key,
    events.map((e) => e.id),
  );
  if (await deps.store.requestRescore(record.leadId, now, STALE_MARK_SECONDS))
    await deps.rescoreQueue.send(
      { leadId: record.leadId },
      { delaySeconds: deps.debounceSeconds ?? RESCORE_DEBOUNCE_SECONDS },
    );
  return attached;
};

const round = (n: number) => Math.round(n * 100) / 100;

/** The same score and the same ledger line for line: a re-score that would only repeat the current version. */
const sameScore = (a: Score, b: Score) =>
  a.total === b.total &&
  a.tier === b.tier &&
  a.quadrant === b.quadrant &&
  a.rulesVersion === b.rulesVersion &&
  JSON.stringify(a.ledger) === JSON.stringify(b.ledger);

const deltaOf = (score: Score, before?: Score) => ({
  total: round(score.total - (before?.total ?? 0)),
  fit: round(score.fit - (before?.fit ?? 0)),
  intent: round(score.intent - (before?.intent ?? 0)),
  engagement: round(score.engagement - (before?.engagement ?? 0)),
  ...(before ? { tierFrom: before.tier } : {}),
  tierTo: score.tier,
});

/** The qualification's score as version 1 (written beside the lead by the first re-score). */
const firstVersion = (score: Score): ScoreVersion => ({
  version: 1,
  cause: 'qualify',
  at: score.scoredAt,
  rulesVersion: score.rulesVersion,
  score,
  delta: deltaOf(score),
});

/**
 * The cause of a re-score from events: the set of event ids, the set of the company's account signals (when it
 * has any) and the rules version (order-free).
 */
export const eventsCause = (
  events: readonly LeadEvent[],
  rulesVersion: string,
  signals: readonly AccountSignal[] = [],
): string => {
  const set = (ids: string[]) => {
    const unique = [...new Set(ids)].sort();
    return `${unique.length}:${createHash('sha256').update(unique.join('\n')).digest('hex').slice(0, 16)}`;
  };
  const account = signals.length ? `+signals:${set(signals.map((s) => `${s.domain}/${s.id}`))}` : '';
  return `events:${set(events.map((e) => e.id))}${account}+rules:${rulesVersion}`;
};

export type RescoreOutcome =
  | {
      readonly outcome: 'rescored';
      readonly version: number;
      readonly total: number;
      readonly delta: number;
      /** A nurtured lead whose tier rose went back to routing. */
      readonly rerouted?: true;
      /** The owner was alerted (email state of the alert). */
      readonly alerted?: string;
    }
  | { readonly outcome: 'unchanged' | 'skipped'; readonly reason: string };

const TIER_RANK: Readonly<Record<Score['tier'], number>> = { cold: 0, warm: 1, hot: 2 };

/**
 * A threshold that acts: a nurtured lead whose tier rose to warm or hot (and whose tier no person pinned) is
 * routed again, so it gets an owner and a first draft through the normal queues.
 */
const rerouteIfRaised = async (
  deps: RescoreDeps,
  record: LeadRecord,
  score: Score,
  now: Date,
): Promise<true | undefined> => {
  if (!deps.qualifyQueue || record.override?.tier !== undefined || !record.score) return undefined;
  if (score.tier === 'cold' || TIER_RANK[score.tier] <= TIER_RANK[record.score.tier]) return undefined;
  const move = decideLead(record.status, 'reroute');
  if (!move.ok) return undefined;
  const audit = {
    at: now.toISOString(),
    by: 'system',
    action: 'reroute' as const,
    reason: `Score rose from ${record.score.tier} to ${score.tier}`,
    detail: { fromTier: record.score.tier, toTier: score.tier, total: score.total },
  };
  if (!(await deps.store.rerouteLead(record.leadId, move, audit))) return undefined;
  await deps.qualifyQueue.send({ leadId: record.leadId });
  return true;
};

/** Sends the owner's email of a marked alert that is still unsent (`pending` or `throttled`). */
const alertOwner = async (
  deps: RescoreDeps,
  leadId: string,
  email: string | undefined,
): Promise<string | undefined> => {
  if (!deps.alerts || (email !== 'pending' && email !== 'throttled')) return undefined;
  const result = await deliverAlert(leadId, { ...deps.alerts, now: deps.now });
  return result.outcome === 'skipped' ? result.reason : result.outcome;
};

/** Tries of a re-score that lost to a concurrent one (it reads again and recomputes). */
const ATTEMPTS = 3;

/**
 * Re-scores one lead from its events (`cause` defaults to the events' set; the daily job names its day). No new
 * version when nothing changed or this cause was recorded before. With `refresh` (a re-qualification) the score
 * is computed from the fresh enrichment, which is stored with the version; a version is recorded even when the
 * points stay the same, since the facts behind them were renewed.
 */
export const rescoreLead = async (
  leadId: string,
  deps: RescoreDeps,
  cause?: string,
  /** The lead as a listing read it (the daily job's page): the first attempt saves its read. */
  listed?: LeadRecord,
  refresh?: EnrichmentRefresh,
): Promise<RescoreOutcome> => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const record = attempt === 1 && listed ? listed : await deps.store.get(leadId);
    if (!record?.score || !record.enrichment) return { outcome: 'skipped', reason: 'not scored yet' };
    if (!decideLead(record.status, 'rescore').ok) return { outcome: 'skipped', reason: record.status };
    const domain = record.lead.company.domain?.toLowerCase();
    const [events, account] = await Promise.all([
      deps.store.listEvents(leadId),
      domain ? deps.store.accountSignals(domain) : [],
    ]);
    const rules = deps.rules();
    const now = deps.now();
    // The company's account signals count as intent signals, beside what enrichment found.
    const facts = refresh?.enrichment ?? record.enrichment;
    const enrichment = account.length
      ? { ...facts, intent: { signals: withAccountSignals(facts.intent?.signals, account) } }
      : facts;
    const score = carriedDisposition(
      record.score,
      scoreEnrichedLead(leadWithEvents(record.lead, events), enrichment, rules, now),
    );
    const why = cause ?? eventsCause(events, score.rulesVersion, account);
    if (!refresh && sameScore(record.score, score)) {
      // A delivery after a crash (or a throttled mail service) finds the alert its version marked, unsent.
      await alertOwner(deps, leadId, record.alert?.email);
      return { outcome: 'unchanged', reason: 'same points' };
    }
    const previous = record.scoreVersion ?? 1;
    const entry: ScoreVersion = {
      version: previous + 1,
      cause: why,
      at: now.toISOString(),
      rulesVersion: score.rulesVersion,
      score,
      delta: deltaOf(score, record.score),
    };
    const first = previous === 1 ? firstVersion(record.score) : undefined;
    const alert = deps.alerts ? alertFor(record, score, entry) : undefined;
    if (await deps.store.saveScoreVersion(leadId, entry, first, alert, refresh)) {
      await notifyCrm(deps.crm, { leadId, trigger: 'rescored' });
      const rerouted = await rerouteIfRaised(deps, record, score, now);
      const alerted = alert ? await alertOwner(deps, leadId, alert.email) : undefined;
      return {
        outcome: 'rescored',
        version: entry.version,
        total: score.total,
        delta: entry.delta.total,
        ...(rerouted ? { rerouted } : {}),
        ...(alerted ? { alerted } : {}),
      };
    }
    // Lost: the cause is recorded already (a redelivery) or another re-score moved the version; read again.
    const now2 = await deps.store.get(leadId);
    if ((now2?.scoreVersion ?? 1) === previous) return { outcome: 'unchanged', reason: 'cause recorded' };
  }
  return { outcome: 'skipped', reason: 'contended' };
};

/** `GET /leads/{id}` with its score history, newest first. */
export const withScoreHistory = async (store: Pick<RescoreStore, 'scoreHistory'>, record: LeadRecord) => {
  // The lead was read first: versions a re-score wrote since then are left out, so the history's newest entry is
  // always the score the lead shows (one snapshot, not two reads at different moments).
  const current = record.scoreVersion ?? 1;
  const history = (await store.scoreHistory(record.leadId)).filter((v) => v.version <= current);
  // Before the first re-score the qualification's score is the only version; it lives on the lead.
  const scoreHistory = history.length > 0 || !record.score ? history : [firstVersion(record.score)];
  return { scoreHistory };
};

export interface DailyDeps extends RescoreDeps {
  /** Every person who can own a lead (team.yaml); `unassigned` is added for the leads nobody owns. */
  readonly ownerIds: readonly string[];
  /** Leads re-scored at once (default 16). */
  readonly concurrency?: number;
  /**
   * Re-qualification of old nurtured leads (requalify-lead.ts): a lead due is queued on `queue` as
   * `{ leadId, requalify: true }` (its new score version comes from there) instead of today's re-score.
   */
  readonly requalify?: { readonly afterDays: number | null; readonly queue: LeadQueue };
}

export interface DailyResult {
  readonly day: string;
  readonly leads: number;
  readonly rescored: number;
  readonly unchanged: number;
  readonly skipped: number;
  /** Old nurtured leads queued for a re-qualification (only when `requalify` is configured). */
  readonly requalifying?: number;
}

/**
 * The daily job: every open lead is re-scored as of today, so decay and the fixed-point inactivity rules apply
 * though nothing happened (`daily:<UTC date>` is the cause: a second run the same day writes nothing new).
 */
export const runDailyRescore = async (deps: DailyDeps): Promise<DailyResult> => {
  const day = deps.now().toISOString().slice(0, 10);
  const counts = { leads: 0, rescored: 0, unchanged: 0, skipped: 0 };
  let requalifying = 0;
  const seen = new Set<string>();
  const requalify = deps.requalify;
  const rescoreOne = async (record: LeadRecord) => {
    if (requalify && requalifyDue(record, requalify.afterDays, deps.now())) {
      await requalify.queue.send({ leadId: record.leadId, requalify: true });
      requalifying++;
      return;
    }
    try {
      const result = await rescoreLead(record.leadId, deps, `daily:${day}`, record);
      counts[result.outcome]++;
    } catch (error) {
      // A throttled alert email stays marked on its lead (tried again by the next run); the job goes on.
      if (!(error instanceof MailerError)) throw error;
      counts.skipped++;
    }
  };
  // Page by page from the owner index; the next page is read while this one is re-scored.
  const pages = deps.store.openLeadPages([...deps.ownerIds, 'unassigned'])[Symbol.asyncIterator]();
  let next = pages.next();
  for (;;) {
    const page = await next;
    if (page.done) break;
    next = pages.next();
    // Awaited on the next turn; a failure meanwhile must not count as unhandled.
    next.catch(() => {});
    const fresh = page.value.filter((r) => !seen.has(r.leadId));
    for (const r of fresh) seen.add(r.leadId);
    counts.leads += fresh.length;
    await inParallel(fresh, Math.max(1, deps.concurrency ?? 16), rescoreOne);
  }
  return { day, ...counts, ...(requalify ? { requalifying } : {}) };
};
