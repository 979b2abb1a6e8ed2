/**
 * The workspace's use cases: the leads list (every lead in every state, filtered and sorted on the store's
 * indexes), notes and logged calls, and the lead's timeline. Authorization follows the review API
 * (functions/agent/pipeline/review.ts):
 * | action                   | sales                  | manager | ops |
 * | GET /leads               | own leads              | all     | all |
 * | GET /leads/{id}/timeline | own leads (else 404)   | all     | all |
 * | POST /leads/{id}/notes   | own leads (else 404)   | all     | 403 |
 * | GET /team                | yes                    | yes     | yes |
 */
import { ulid } from 'ulid';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import { LEAD_ID_PATTERN, type LeadRecord } from '../lead-record';
import { LEAD_STATUSES, type LeadStatus } from '../lifecycle';
import type { LeadListFilter, LeadNote, StoreCursor, WorkspaceStore } from '../ports';
import { QUADRANTS, type Quadrant, TIERS, type Tier } from '../qualification';
import type { Person } from '../route/team';
import { type TimelineEntry, timelineOf } from '../timeline';
import { inboxItem, readableLead } from './review';

export interface WorkspaceDeps {
  readonly store: WorkspaceStore;
  readonly people: ReadonlyMap<string, Person>;
  readonly now: () => Date;
}

/** Page sizes of GET /leads. */
export const LEAD_PAGE = { defaultLimit: 50, maxLimit: 200 } as const;
export const LEAD_SORTS = ['priority', 'sla'] as const;
/** Lead ids GET /leads?ids= takes at most. */
export const MAX_LEAD_IDS = 200;

/** `ids`: comma-separated lead ids, 1..MAX_LEAD_IDS of them (repeats counted once); undefined when absent. */
export const leadIdsParam = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined) return undefined;
  const ids = [...new Set(raw.split(',').map((id) => id.trim()))];
  if (ids.length === 0 || ids.length > MAX_LEAD_IDS || !ids.every((id) => LEAD_ID_PATTERN.test(id)))
    throw new DomainError('invalid', `ids must be 1..${MAX_LEAD_IDS} lead ids, separated by commas`, {
      field: 'ids',
    });
  return ids;
};

export interface LeadListParams {
  readonly status?: string | undefined;
  readonly owner?: string | undefined;
  readonly team?: string | undefined;
  readonly tier?: string | undefined;
  readonly quadrant?: string | undefined;
  readonly disposition?: string | undefined;
  readonly q?: string | undefined;
  readonly sort?: string | undefined;
  readonly limit?: string | undefined;
  readonly cursor?: string | undefined;
  /** Exactly these leads (comma-separated ids), e.g. the leads behind an insights figure. */
  readonly ids?: string | undefined;
}

const alertBadge = (a: NonNullable<LeadRecord['alert']>) => ({
  ownerId: a.ownerId,
  fromTier: a.fromTier,
  toTier: a.toTier,
  reasons: a.reasons,
  at: a.at,
});

/** One row of the leads list: the inbox row plus what the list shows beyond drafts. */
export const leadListItem = (r: LeadRecord, people: ReadonlyMap<string, Person>) => {
  const disposition = (r as { disposition?: unknown }).disposition;
  return {
    ...inboxItem(r, people),
    draftStatus: r.draft?.status,
    routeKind: r.route?.kind,
    team: r.route?.team,
    receivedAt: r.receivedAt,
    sentAt: r.draft?.send?.sentAt,
    disposition:
      typeof disposition === 'string'
        ? disposition
        : disposition && typeof disposition === 'object' && 'kind' in disposition
          ? String((disposition as { kind: unknown }).kind)
          : undefined,
    overridden: r.override !== undefined,
    /** A re-score raised the lead and its owner has not opened it since (the inbox mark). */
    alert: r.alert && !r.alert.seenAt ? alertBadge(r.alert) : undefined,
  };
};
export type LeadListItem = ReturnType<typeof leadListItem>;

export interface LeadListPage {
  readonly items: LeadListItem[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], field: string) => {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new DomainError('invalid', `${field} must be one of ${allowed.join(', ')}`, { field });
  return value as T;
};

const word = (value: string | undefined, field: string) => {
  if (value === undefined || value === '') return undefined;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value))
    throw new DomainError('invalid', `${field} must be an id (letters, digits, . _ -)`, { field });
  return value;
};

const limitOf = (raw: string | undefined) => {
  if (raw === undefined || raw === '') return LEAD_PAGE.defaultLimit;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > LEAD_PAGE.maxLimit)
    throw new DomainError('invalid', `limit must be a whole number 1..${LEAD_PAGE.maxLimit}`, {
      field: 'limit',
    });
  return n;
};

const searchOf = (raw: string | undefined) => {
  if (raw === undefined) return undefined;
  const q = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q === '') return undefined;
  if (q.length > 100) throw new DomainError('invalid', 'q is longer than 100 characters', { field: 'q' });
  if (q.split(' ').length > 5) throw new DomainError('invalid', 'q takes at most 5 words', { field: 'q' });
  return q;
};

const badCursor = () =>
  new DomainError('invalid', 'cursor is not one this listing handed out; start again without it', {
    field: 'cursor',
  });

const encodeCursor = (c: StoreCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
const decodeCursor = (raw: string): StoreCursor => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string' && v.length <= 200)
  )
    throw badCursor();
  return parsed as StoreCursor;
};

/**
 * GET /leads: every lead the caller may see, in every state (nurture, spam and closed ones included), in
 * priority order (effective tier, then SLA) or SLA order, with filters. A rep sees their own leads only.
 * With `ids`: exactly those leads (read by key), in the order given, on one page.
 */
export const listLeads = async (
  deps: WorkspaceDeps,
  p: Principal,
  params: LeadListParams = {},
): Promise<LeadListPage> => {
  const owner = word(params.owner, 'owner');
  if (p.role === 'sales' && owner !== undefined && owner !== p.personId)
    throw new DomainError('forbidden', 'A rep sees their own leads only');
  const ownerId = p.role === 'sales' ? p.personId : owner;
  const ids = leadIdsParam(params.ids);
  if (ids !== undefined) {
    const records = await deps.store.getMany(ids);
    return {
      items: records
        .filter((r) => ownerId === undefined || r.route?.ownerId === ownerId)
        .map((r) => leadListItem(r, deps.people)),
    };
  }
  const filter: LeadListFilter = {
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...optional('status', oneOf<LeadStatus>(params.status, LEAD_STATUSES, 'status')),
    ...optional('team', word(params.team, 'team')),
    ...optional('tier', oneOf<Tier>(params.tier, TIERS, 'tier')),
    ...optional('quadrant', oneOf<Quadrant>(params.quadrant, QUADRANTS, 'quadrant')),
    ...optional('disposition', word(params.disposition, 'disposition')),
    ...optional('q', searchOf(params.q)),
  };
  const sort = oneOf(params.sort, LEAD_SORTS, 'sort') ?? 'priority';
  const page = await deps.store.listLeads({
    filter,
    sort,
    limit: limitOf(params.limit),
    ...(params.cursor ? { after: decodeCursor(params.cursor) } : {}),
  });
  return {
    items: page.records.map((r) => leadListItem(r, deps.people)),
    ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
  };
};

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export const CALL_RESULTS = ['reached', 'voicemail', 'no_answer', 'wrong_number'] as const;

/** POST /leads/{id}/notes: a note or a logged call (`kind: call`, with `callResult`) on a lead. */
export const addNote = async (
  deps: WorkspaceDeps,
  p: Principal,
  leadId: string,
  body: { kind?: unknown; text?: unknown; callResult?: unknown },
): Promise<LeadNote> => {
  if (p.role === 'ops') throw new DomainError('forbidden', 'Ops cannot log calls or notes on leads');
  const kind = body.kind ?? 'note';
  if (kind !== 'note' && kind !== 'call')
    throw new DomainError('invalid', 'kind must be note or call', { field: 'kind' });
  const text = typeof body.text === 'string' ? body.text.trim() : '';
  if (kind === 'note' && !text) throw new DomainError('invalid', 'text is required', { field: 'text' });
  if (text.length > 4000)
    throw new DomainError('invalid', 'text is longer than 4000 characters', { field: 'text' });
  if (
    body.callResult !== undefined &&
    (kind !== 'call' || !(CALL_RESULTS as readonly unknown[]).includes(body.callResult))
  )
    throw new DomainError('invalid', `callResult must be one of ${CALL_RESULTS.join(', ')} on a call`, {
      field: 'callResult',
    });
  if (kind === 'call' && body.callResult === undefined && !text)
    throw new DomainError('invalid', 'a call needs a callResult or a text', { field: 'callResult' });
  await readableLead(deps.store, p, leadId);
  const note: LeadNote = {
    noteId: ulid(),
    at: deps.now().toISOString(),
    by: p.personId,
    kind,
    text,
    ...(body.callResult !== undefined ? { callResult: body.callResult as string } : {}),
  };
  if (!(await deps.store.addNote(leadId, note)))
    throw new DomainError('conflict', 'This lead holds the maximum number of notes');
  return note;
};

/** GET /leads/{id}/timeline: everything that happened to the lead, newest first. */
export const leadTimeline = async (
  deps: WorkspaceDeps,
  p: Principal,
  leadId: string,
): Promise<{ leadId: string; entries: TimelineEntry[] }> => {
  const record = await readableLead(deps.store, p, leadId);
  return { leadId, entries: timelineOf(record, deps.people) };
};

/** GET /team: the people a lead can be owned by (reps and managers), for the owner filter and reassign. */
export const teamList = (deps: Pick<WorkspaceDeps, 'people'>) => ({
  people: [...deps.people.values()]
    .filter((p) => p.role === 'rep' || p.role === 'manager')
    .map((p) => ({ id: p.id, name: p.name, role: p.role }))
    .sort((a, b) => a.name.localeCompare(b.name)),
});
