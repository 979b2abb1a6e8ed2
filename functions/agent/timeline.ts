/**
 * A lead's timeline: everything that happened to it, from the data the lead record already holds — the
 * submission, enrichment, each score version, the route, rationale and draft, edits, approvals and
 * rejections, the sent email, outcomes, overrides, reassignments, notes and calls, failures — newest first.
 * Entries are structured (a kind, who, and non-personal detail); the page words them in the viewer's
 * language and time zone. Pure, no AWS.
 */
import type { LeadRecord } from './lead-record';
import type { Person } from './route/team';

export const TIMELINE_KINDS = [
  'submitted',
  'spam',
  'enriched',
  'scored',
  'routed',
  'nurture',
  'rationale',
  'drafted',
  'draft_edited',
  'approved',
  'rejected',
  'send_scheduled',
  'sent',
  'send_failed',
  'override',
  'reassigned',
  'outcome',
  'reopened',
  'note',
  'call',
  'failed',
  'other',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  readonly at: string;
  readonly kind: TimelineKind;
  /** team.yaml person id, `agent` for the pipeline, or the system (`crm:hubspot`). */
  readonly by: string;
  /** The person's name when `by` is a person of team.yaml. */
  readonly byName?: string;
  /** Non-personal facts the page shows: tier, total, owner, reason, outcome, text of a note, … */
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

type Detail = Record<string, string | number | boolean | undefined>;

const clean = (d: Detail): Record<string, string | number | boolean> =>
  Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The score versions: `scoreHistory` when the lead has one (a living score), else the current score. */
const scoreEntries = (r: LeadRecord): TimelineEntry[] => {
  const history = (r as { scoreHistory?: unknown }).scoreHistory;
  const versions = Array.isArray(history) && history.length > 0 ? history : r.score ? [r.score] : [];
  return versions.flatMap((raw, i): TimelineEntry[] => {
    const v = asObject(raw);
    if (!v) return [];
    const score = asObject(v.score) ?? v;
    const at = str(v.scoredAt) ?? str(v.at) ?? str(score.scoredAt);
    if (!at) return [];
    return [
      {
        at,
        kind: 'scored',
        by: 'agent',
        detail: clean({
          version: num(v.version) ?? i + 1,
          tier: str(score.tier),
          total: num(score.total),
          quadrant: str(score.quadrant),
          rulesVersion: str(score.rulesVersion),
          cause: str(v.cause) ?? str(asObject(v.cause)?.kind),
        }),
      },
    ];
  });
};

const auditKind = (action: string): TimelineKind =>
  (
    ({
      edit_draft: 'draft_edited',
      approve: 'approved',
      reject: 'rejected',
      reassign: 'reassigned',
      override: 'override',
      outcome: 'outcome',
      reopen: 'reopened',
      recycle: 'reopened',
    }) as Record<string, TimelineKind>
  )[action] ?? 'other';

export const timelineOf = (r: LeadRecord, people: ReadonlyMap<string, Person>): TimelineEntry[] => {
  const entries: TimelineEntry[] = [];
  const push = (at: string | undefined, kind: TimelineKind, by: string, detail: Detail = {}) => {
    if (at) entries.push({ at, kind, by, detail: clean(detail) });
  };
  push(r.lead.submittedAt ?? r.receivedAt, 'submitted', 'prospect', {
    provider: r.provider,
    language: r.lead.language,
  });
  if (r.spam) push(r.receivedAt, 'spam', 'agent', { reason: r.spam.reason });
  if (r.enrichment) {
    const tools = Object.entries(r.enrichment.tools);
    push(r.steps.enrich?.at ?? r.score?.scoredAt, 'enriched', 'agent', {
      toolsOk: tools.filter(([, t]) => t.status === 'ok').length,
      toolsTotal: tools.length,
      failed: tools
        .filter(([, t]) => t.status === 'error' || t.status === 'timeout')
        .map(([name]) => name)
        .join(', '),
      confidence: Math.round(r.enrichment.confidence * 100),
      registry: !!r.enrichment.registry,
    });
  }
  entries.push(...scoreEntries(r));
  if (r.route)
    push(r.route.assignedAt, r.route.kind === 'nurture' ? 'nurture' : 'routed', 'agent', {
      ownerId: r.route.ownerId,
      team: r.route.team,
      reason: r.route.reason,
      slaDueAt: r.route.slaDueAt,
    });
  if (r.rationale)
    push(r.rationale.writtenAt, 'rationale', 'agent', {
      provider: r.rationale.provider,
      fallback: r.rationale.fallbackReason !== undefined,
    });
  const d = r.draft;
  if (d) {
    push(d.createdAt, 'drafted', 'agent', {
      handoff: d.handoff,
      language: d.language,
      guardrailPassed: d.guardrail.passed,
      subject: d.subject,
    });
    if (d.sendAfter) push(d.createdAt, 'send_scheduled', 'agent', { sendAfter: d.sendAfter });
    // Review actions are in the audit trail; an automatic handoff approves without a person.
    if (d.handoff === 'auto' && !d.reviewedBy && d.send)
      push(d.send.startedAt, 'approved', 'agent', { auto: true });
    if (d.send?.sentAt)
      push(d.send.sentAt, 'sent', d.reviewedBy ?? 'agent', {
        subject: d.subject,
        auto: d.handoff === 'auto' && !d.reviewedBy,
      });
    if (d.send?.failedAt) push(d.send.failedAt, 'send_failed', 'agent', { error: d.send.error });
  }
  for (const a of r.audit ?? []) {
    const detail = asObject(a.detail) ?? {};
    push(a.at, auditKind(a.action), a.by, {
      action: a.action,
      reason: a.reason,
      from: str(detail.from) ?? str(detail.fromTier),
      to: str(detail.to) ?? str(detail.tier),
      total: num(detail.total),
      edited: detail.edited === true ? true : undefined,
      outcome: str(detail.outcome),
      value: num(detail.value),
    });
  }
  // Outcomes recorded without an audit entry (from the CRM) still show.
  const audited = new Set(
    (r.audit ?? []).filter((a) => (a.action as string) === 'outcome').map((a) => `${a.at}|${a.by}`),
  );
  const outcomes = (r as { outcomes?: unknown }).outcomes;
  for (const raw of Array.isArray(outcomes) ? outcomes : []) {
    const o = asObject(raw);
    if (!o) continue;
    const at = str(o.recordedAt) ?? str(o.at);
    const by = str(o.by) ?? 'unknown';
    if (!at || audited.has(`${at}|${by}`)) continue;
    push(at, 'outcome', by, {
      outcome: str(o.outcome),
      reason: str(o.reason),
      value: num(o.value),
      source: str(o.source),
      happenedAt: str(o.at),
    });
  }
  const notes = (r as { notes?: unknown }).notes;
  for (const raw of Array.isArray(notes) ? notes : []) {
    const n = asObject(raw);
    if (!n) continue;
    push(str(n.at), n.kind === 'call' ? 'call' : 'note', str(n.by) ?? 'unknown', {
      text: str(n.text),
      callResult: str(n.callResult),
    });
  }
  if (r.error && r.status === 'failed')
    push(r.error.at, 'failed', 'agent', { step: r.error.step, attempts: r.error.attempts });
  return entries
    .map((e) => {
      const name = people.get(e.by)?.name;
      return name ? { ...e, byName: name } : e;
    })
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
};
