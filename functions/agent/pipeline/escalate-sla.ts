/**
 * A missed first-contact SLA escalates (config/follow-up.yaml, per team): a scheduled job (every few minutes)
 * reads the leads whose SLA fell due without contact — still routed or drafted — through the SLA-ordered list
 * index, and escalates each once per SLA due time:
 * - `alert_manager`: the team's manager gets one email (marked before the send, like an owner alert);
 * - `reassign`: the lead goes to the next available rep of its team in rotation order (out of office or off work
 *   skipped, a rep at capacity skipped by the write's condition), the old rep's load released and the new rep's
 *   taken in the same transaction, with an audit entry.
 * Idempotent: a second run finds the mark and does nothing more (an email still pending or throttled is sent).
 */
import { notifyCrm } from '../crm/notify';
import { type FollowUpFile, slaRuleOf } from '../follow-up';
import type { AuditEntry, LeadRecord, SlaEscalation } from '../lead-record';
import type { CrmNotifier, EscalationStore, Mailer } from '../ports';
import { MailerError } from '../ports';
import { calendarUnavailability, type RoutingSetup } from '../route';
import type { Person } from '../route/team';

export interface EscalationDeps {
  readonly store: EscalationStore;
  readonly mailer: Mailer;
  readonly fromAddress: string;
  readonly routing: RoutingSetup;
  readonly followUp: () => FollowUpFile;
  readonly leadPageBaseUrl?: string;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly crm?: CrmNotifier;
}

export interface EscalationResult {
  readonly breached: number;
  readonly alerted: number;
  readonly reassigned: number;
  /** Escalated before (a second run), a team whose action is `none`, or nobody to hand the lead to. */
  readonly skipped: number;
  readonly failed: number;
}

const minutesLate = (slaDueAt: string, now: Date) =>
  Math.max(0, Math.round((now.getTime() - Date.parse(slaDueAt)) / 60_000));

/** The manager's email: Dutch when the manager's first language is Dutch, else English. */
export const escalationMail = (
  record: LeadRecord,
  escalation: SlaEscalation,
  people: { manager: Person; owner?: Person },
  options: { fromAddress: string; leadPageBaseUrl?: string; now: Date },
) => {
  const nl = people.manager.languages[0] === 'nl';
  const company = record.lead.company.name ?? record.lead.company.domain ?? record.leadId;
  const owner = people.owner?.name ?? escalation.fromOwnerId;
  const late = minutesLate(escalation.slaDueAt, options.now);
  const tier = record.override?.tier ?? record.score?.tier;
  const link = options.leadPageBaseUrl ? `${options.leadPageBaseUrl}${record.leadId}` : undefined;
  const subject = nl
    ? `SLA gemist: ${company} (${owner}, ${late} min te laat)`
    : `SLA missed: ${company} (${owner}, ${late} min late)`;
  const text = (
    nl
      ? [
          `${owner} heeft deze lead nog niet benaderd; de termijn voor het eerste contact is verstreken.`,
          '',
          `Lead: ${company}`,
          `Lead-id: ${record.leadId}`,
          ...(tier ? [`Niveau: ${tier}`] : []),
          `Eigenaar: ${owner}`,
          `Eerste contact uiterlijk: ${escalation.slaDueAt}`,
          `Status: ${record.status}${record.draft ? ` (concept ${record.draft.status})` : ''}`,
          '',
          link ? `Open de lead: ${link}` : 'Open de lead in de inbox met het lead-id hierboven.',
          'Je kunt de lead daar aan iemand anders toewijzen.',
        ]
      : [
          `${owner} has not contacted this lead yet; the first-contact deadline has passed.`,
          '',
          `Lead: ${company}`,
          `Lead id: ${record.leadId}`,
          ...(tier ? [`Tier: ${tier}`] : []),
          `Owner: ${owner}`,
          `First contact due: ${escalation.slaDueAt}`,
          `Status: ${record.status}${record.draft ? ` (draft ${record.draft.status})` : ''}`,
          '',
          link ? `Open the lead: ${link}` : 'Open the lead in the inbox by the lead id above.',
          'You can reassign it there.',
        ]
  ).join('\n');
  return {
    fromAddress: options.fromAddress,
    fromName: nl ? 'SLA-bewaking' : 'SLA watch',
    replyTo: people.manager.email,
    to: people.manager.email,
    subject: subject.slice(0, 200),
    text,
  };
};

/** The team members after `ownerId` in rotation order (wrapping), available now by their calendar. */
export const nextReps = (routing: RoutingSetup, teamId: string | undefined, ownerId: string, now: Date) => {
  const team = teamId ? routing.teams.teams.get(teamId) : undefined;
  if (!team) return [];
  const members = team.members;
  const at = members.findIndex((m) => m.person.id === ownerId);
  const order = [...members.slice(at + 1), ...members.slice(0, Math.max(0, at))].filter(
    (m) => m.person.id !== ownerId,
  );
  return order
    .filter((m) => calendarUnavailability(m, team.calendar, now) === null)
    .map((m) => ({ team: team.id, member: m }));
};

const managerOf = (deps: EscalationDeps, teamId: string | undefined, configured?: string) => {
  const teams = deps.routing.teams;
  const id = configured ?? (teamId ? teams.teams.get(teamId)?.fallbackOwner.id : undefined);
  return (id ? teams.people.get(id) : undefined) ?? teams.fallbackOwner;
};

type Outcome = 'alerted' | 'reassigned' | 'skipped' | 'failed';

/** Sends the manager's email of a marked escalation that is still unsent. */
const deliver = async (deps: EscalationDeps, leadId: string): Promise<Outcome> => {
  const record = await deps.store.get(leadId);
  const escalation = record?.escalation;
  if (!record || !escalation?.managerId) return 'skipped';
  if (escalation.email !== 'pending' && escalation.email !== 'throttled') return 'skipped';
  const attemptId = deps.newId();
  if (!(await deps.store.beginEscalationEmail(leadId, escalation.slaDueAt, { attemptId }))) return 'skipped';
  const finish = (result: Parameters<EscalationStore['finishEscalationEmail']>[3]) =>
    deps.store.finishEscalationEmail(leadId, escalation.slaDueAt, attemptId, result);
  const manager = deps.routing.teams.people.get(escalation.managerId);
  if (!manager) {
    await finish({ email: 'skipped', error: 'manager not in team.yaml' });
    return 'skipped';
  }
  const owner = deps.routing.teams.people.get(escalation.fromOwnerId);
  try {
    const mail = escalationMail(
      record,
      escalation,
      { manager, ...(owner ? { owner } : {}) },
      {
        fromAddress: deps.fromAddress,
        now: deps.now(),
        ...(deps.leadPageBaseUrl ? { leadPageBaseUrl: deps.leadPageBaseUrl } : {}),
      },
    );
    const { messageId } = await deps.mailer.send(mail);
    await finish({ email: 'sent', messageId });
    return 'alerted';
  } catch (err) {
    const retry = err instanceof MailerError && err.kind === 'retryable';
    const error = err instanceof Error ? err.message : String(err);
    // Throttled: nothing was sent, the next run tries again. Otherwise never again (it may have gone out).
    await finish({ email: retry ? 'throttled' : 'failed', error });
    return retry ? 'skipped' : 'failed';
  }
};

/** Escalates one breached lead once for its current SLA due time. */
export const escalateLead = async (deps: EscalationDeps, record: LeadRecord): Promise<Outcome> => {
  const route = record.route;
  const slaDueAt = route?.slaDueAt;
  if (route?.kind !== 'owner' || !route.ownerId || !slaDueAt) return 'skipped';
  if (record.escalation?.slaDueAt === slaDueAt)
    return record.escalation.email === 'pending' || record.escalation.email === 'throttled'
      ? deliver(deps, record.leadId)
      : 'skipped';
  const rule = slaRuleOf(deps.followUp(), route.team);
  const now = deps.now();
  const at = now.toISOString();
  if (rule.action === 'none') return 'skipped';
  if (rule.action === 'alert_manager') {
    const manager = managerOf(deps, route.team, rule.manager);
    const marked = await deps.store.markEscalation(record.leadId, {
      slaDueAt,
      action: 'alert_manager',
      at,
      fromOwnerId: route.ownerId,
      managerId: manager.id,
      email: 'pending',
    });
    return marked === true ? deliver(deps, record.leadId) : 'skipped';
  }
  for (const next of nextReps(deps.routing, route.team, route.ownerId, now)) {
    const to = next.member.person.id;
    const audit: AuditEntry = {
      at,
      by: 'system',
      action: 'reassign',
      reason: `First-contact SLA missed (due ${slaDueAt})`,
      detail: { from: route.ownerId, to, slaDueAt },
    };
    const marked = await deps.store.markEscalation(
      record.leadId,
      { slaDueAt, action: 'reassign', at, fromOwnerId: route.ownerId, toOwnerId: to },
      { to, audit, load: { take: `${next.team}#${to}`, max: next.member.maxOpenLeads } },
    );
    if (marked === 'at_capacity') continue;
    if (!marked) return 'skipped';
    await notifyCrm(deps.crm, { leadId: record.leadId, trigger: 'routed' });
    return 'reassigned';
  }
  return 'skipped';
};

/** The scheduled job: every breach of the last `lookbackHours`, escalated once each. */
export const runSlaEscalation = async (deps: EscalationDeps): Promise<EscalationResult> => {
  const now = deps.now();
  const from = new Date(now.getTime() - deps.followUp().sla.lookbackHours * 3_600_000).toISOString();
  const breaches = await deps.store.slaBreaches(from, now.toISOString());
  const counts = { alerted: 0, reassigned: 0, skipped: 0, failed: 0 };
  for (const record of breaches) counts[await escalateLead(deps, record)]++;
  return { breached: breaches.length, ...counts };
};
