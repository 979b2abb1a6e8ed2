/**
 * Thresholds that act on an owned lead: when a re-score raises its tier (nurture → hot, warm → hot, …) or moves it
 * into the "act now" quadrant, its owner is alerted — a mark in the inbox (the lead's `alert`, until the owner
 * opens the lead) and an internal email in the owner's language naming the lead, the tier change, the ledger
 * lines that changed and a link to the lead page. A lead without an owner is routed and drafted instead
 * (rescore-lead.ts `rerouteIfRaised`).
 *
 * Exactly once per cause: the alert is marked on the lead in the same write as the score version that raised it
 * (email `pending`), so a crash after that write leaves it for the redelivery; then, like the forward:
 *
 *   pending | throttled ──beginAlert(attempt id, BEFORE calling the mail service)──▶ sending
 *   sending ──accepted──▶ sent      sending ──throttled──▶ throttled (a retry tries again)
 *   sending ──refused or unknown──▶ failed (never sent twice)
 */
import type { AlertLedgerLine, LeadRecord, OwnerAlert } from '../lead-record';
import { LOAD_STATES } from '../lifecycle';
import type { AlertStore, Mailer } from '../ports';
import { MailerError } from '../ports';
import type { Score, Tier } from '../qualification';
import type { Person } from '../route/team';

export interface AlertDeps {
  readonly store: AlertStore;
  readonly mailer: Mailer;
  /** Our sender address (SES_FROM_ADDRESS). */
  readonly fromAddress: string;
  /** team.yaml people by id: the owner's address and language. */
  readonly people: ReadonlyMap<string, Person>;
  /** The lead page's base URL (`<base><leadId>`, LEAD_PAGE_BASE_URL); without it the mail names the lead id. */
  readonly leadPageBaseUrl?: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

const TIER_RANK: Readonly<Record<Tier, number>> = { cold: 0, warm: 1, hot: 2 };

/** The ledger lines whose awarded points differ between two scores (a rule that appeared or went counts). */
export const changedLedgerLines = (before: Score, after: Score): AlertLedgerLine[] => {
  const old = new Map(before.ledger.map((l) => [l.ruleId, l]));
  const lines: AlertLedgerLine[] = [];
  for (const line of after.ledger) {
    const was = old.get(line.ruleId);
    old.delete(line.ruleId);
    if ((was?.awarded ?? 0) !== line.awarded)
      lines.push({
        ruleId: line.ruleId,
        reason: line.reason,
        before: was?.awarded ?? 0,
        after: line.awarded,
      });
  }
  for (const was of old.values())
    if (was.awarded !== 0)
      lines.push({ ruleId: was.ruleId, reason: was.reason, before: was.awarded, after: 0 });
  return lines.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
};

/**
 * The alert a new score raises on `record`, or undefined: the lead has an owner working it (an owner route in an
 * open state), no person pinned its tier, and the tier rose or the quadrant became act now.
 */
export const alertFor = (
  record: LeadRecord,
  score: Score,
  version: { version: number; cause: string; at: string },
): OwnerAlert | undefined => {
  const before = record.score;
  const ownerId = record.route?.kind === 'owner' ? record.route.ownerId : undefined;
  if (!before || !ownerId || !LOAD_STATES.includes(record.status)) return undefined;
  if (record.override?.tier !== undefined) return undefined;
  const reasons: ('tier_up' | 'act_now')[] = [];
  if (TIER_RANK[score.tier] > TIER_RANK[before.tier]) reasons.push('tier_up');
  if (score.quadrant === 'act_now' && before.quadrant !== 'act_now') reasons.push('act_now');
  if (reasons.length === 0) return undefined;
  return {
    version: version.version,
    cause: version.cause,
    ownerId,
    at: version.at,
    fromTier: before.tier,
    toTier: score.tier,
    fromQuadrant: before.quadrant,
    toQuadrant: score.quadrant,
    total: score.total,
    reasons,
    changed: changedLedgerLines(before, score).slice(0, 12),
    email: 'pending',
  };
};

const points = (n: number) => `${n > 0 ? '+' : ''}${Math.round(n * 100) / 100}`;

/** The internal email to the owner: Dutch when the owner's first language is Dutch, else English. */
export const alertMail = (
  record: LeadRecord,
  alert: OwnerAlert,
  owner: Person,
  options: { fromAddress: string; leadPageBaseUrl?: string },
) => {
  const nl = owner.languages[0] === 'nl';
  const company = record.lead.company.name ?? record.lead.company.domain;
  const p = record.lead.person;
  const who = p.fullName ?? ([p.firstName, p.lastName].filter(Boolean).join(' ') || undefined);
  const lead = [company, who].filter(Boolean).join(' — ') || record.leadId;
  const tiers = `${alert.fromTier} → ${alert.toTier}`;
  const actNow = alert.reasons.includes('act_now');
  const subject = nl
    ? `Lead gestegen: ${lead} (${alert.fromTier === alert.toTier ? 'nu direct oppakken' : tiers})`
    : `Lead raised: ${lead} (${alert.fromTier === alert.toTier ? 'act now' : tiers})`;
  const link = options.leadPageBaseUrl ? `${options.leadPageBaseUrl}${record.leadId}` : undefined;
  const L = nl
    ? {
        intro: `De score van een lead van jou is gestegen${actNow ? ' en de lead valt nu in "nu direct oppakken" (hoge intentie en betrokkenheid)' : ''}.`,
        lead: 'Lead',
        id: 'Lead-id',
        tier: 'Niveau',
        quadrant: 'Kwadrant',
        total: 'Totaalscore',
        changed: 'Wat veranderde in de score',
        none: '(geen regels veranderd; de grenzen of het kwadrant verschoven)',
        open: 'Open de lead',
        openId: 'Open de lead in de inbox met het lead-id hierboven.',
      }
    : {
        intro: `The score of one of your leads rose${actNow ? ' and the lead is now "act now" (high intent and engagement)' : ''}.`,
        lead: 'Lead',
        id: 'Lead id',
        tier: 'Tier',
        quadrant: 'Quadrant',
        total: 'Total score',
        changed: 'What changed in the score',
        none: '(no rule changed; the thresholds or the quadrant moved)',
        open: 'Open the lead',
        openId: 'Open the lead in the inbox by the lead id above.',
      };
  const text = [
    L.intro,
    '',
    `${L.lead}: ${lead}`,
    `${L.id}: ${record.leadId}`,
    `${L.tier}: ${tiers}`,
    `${L.quadrant}: ${alert.fromQuadrant} → ${alert.toQuadrant}`,
    `${L.total}: ${alert.total}`,
    '',
    `${L.changed}:`,
    ...(alert.changed.length > 0
      ? alert.changed.map((l) => `- ${l.reason}: ${points(l.before)} → ${points(l.after)} (${l.ruleId})`)
      : [L.none]),
    '',
    link ? `${L.open}: ${link}` : L.openId,
  ].join('\n');
  return {
    fromAddress: options.fromAddress,
    fromName: nl ? 'Leadmelding' : 'Lead alert',
    replyTo: owner.email,
    to: owner.email,
    subject: subject.slice(0, 200),
    text,
  };
};

export type AlertOutcome =
  | { readonly outcome: 'sent'; readonly messageId: string }
  | { readonly outcome: 'failed'; readonly error: string }
  | { readonly outcome: 'skipped'; readonly reason: 'missing' | 'no_alert' | 'taken' | 'no_address' };

/** Sends the owner's email of the lead's pending alert, at most once (a throttled one is retried by the caller). */
export const deliverAlert = async (leadId: string, deps: AlertDeps): Promise<AlertOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  const alert = record.alert;
  if (!alert || (alert.email !== 'pending' && alert.email !== 'throttled'))
    return { outcome: 'skipped', reason: 'no_alert' };
  const attemptId = deps.newId();
  if (!(await deps.store.beginAlert(leadId, alert.version, { attemptId, at: deps.now().toISOString() })))
    return { outcome: 'skipped', reason: 'taken' };
  const finish = (result: Parameters<AlertStore['finishAlert']>[3]) =>
    deps.store.finishAlert(leadId, alert.version, attemptId, result);
  const owner = deps.people.get(alert.ownerId);
  if (!owner) {
    await finish({ email: 'skipped', error: 'owner not in team.yaml', at: deps.now().toISOString() });
    return { outcome: 'skipped', reason: 'no_address' };
  }
  try {
    const { messageId } = await deps.mailer.send(alertMail(record, alert, owner, deps));
    await finish({ email: 'sent', messageId, at: deps.now().toISOString() });
    return { outcome: 'sent', messageId };
  } catch (err) {
    if (err instanceof MailerError && err.kind === 'retryable') {
      // Nothing was sent: the next delivery of the re-score message tries again.
      await finish({ email: 'throttled', error: err.message, at: deps.now().toISOString() });
      throw err;
    }
    const error = err instanceof Error ? err.message : String(err);
    await finish({ email: 'failed', error, at: deps.now().toISOString() });
    return { outcome: 'failed', error };
  }
};

/** Whether the lead carries an inbox mark for `ownerId` (an alert not yet seen). */
export const alertMarked = (record: Pick<LeadRecord, 'alert'>, ownerId?: string): boolean =>
  record.alert !== undefined &&
  record.alert.seenAt === undefined &&
  (ownerId === undefined || record.alert.ownerId === ownerId);

/** The owner opened the lead: its inbox mark is cleared (a manager looking does not clear the owner's mark). */
export const seeAlert = async (
  store: Pick<AlertStore, 'seeAlert'>,
  record: LeadRecord,
  viewerId: string,
  now: Date,
): Promise<LeadRecord> => {
  const alert = record.alert;
  if (!alert || !alertMarked(record, viewerId)) return record;
  if (!(await store.seeAlert(record.leadId, alert.version, viewerId, now.toISOString()))) return record;
  return { ...record, alert: { ...alert, seenAt: now.toISOString() } };
};
