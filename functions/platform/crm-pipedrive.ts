/**
 * Pipedrive adapter of `CrmPort`, plain fetch, token in the `x-api-token` header (never in a URL). Pipedrive
 * has no batch writes, so each item is its own call, run a few at a time:
 * - organizations: search on the domain custom field (v2 `organizations/search`, exact) before create;
 * - persons: search by email (v2 `persons/search`, exact) before create, linked to the organization;
 * - deals (v2) in the pipeline stage of the tier, or leads (v1 Leads Inbox) — when an earlier attempt may
 *   have created one, searched on the lead id field first;
 * - notes (v1) pinned to the deal/lead; the owner's task and the logged first email as activities (v2);
 *   found again by marker through the record's notes / activities.
 * Rate limits: `x-ratelimit-remaining: 0` holds the next call until `x-ratelimit-reset`; a 429 waits
 * `Retry-After`; an exhausted daily token budget hands the job back.
 */
import type { PipedriveMapping } from '../agent/crm/mapping';
import {
  type ActivityInput,
  type CompanyInput,
  type ContactInput,
  type CrmChange,
  type CrmChangeFeed,
  type CrmEraser,
  CrmError,
  type CrmPort,
  type CrmProps,
  type FindActivityInput,
  type ItemResult,
  type ItemResults,
  type RecordInput,
} from '../agent/crm/port';
import { CrmHttp, type CrmHttpOptions, type RateLimitHint, retryAfter } from './crm-http';

interface Envelope<T> {
  success?: boolean;
  data?: T;
  additional_data?: { next_cursor?: string | null };
}
interface SearchData {
  items?: { result_score?: number; item: { id: number | string } }[];
}

export const pipedriveRateLimit = (_status: number, headers: Headers): RateLimitHint => {
  const daily = headers.get('x-daily-requests-left');
  const wait = retryAfter(headers) ?? secondsHeader(headers, 'x-ratelimit-reset');
  // The daily token budget resets at midnight UTC: not worth waiting for inline.
  if (daily === '0') return { long: true, retryAfterMs: wait ?? msUntilUtcMidnight() };
  return { retryAfterMs: wait };
};

const pipedriveHold = (headers: Headers): number =>
  headers.get('x-ratelimit-remaining') === '0' ? (secondsHeader(headers, 'x-ratelimit-reset') ?? 2_000) : 0;

const secondsHeader = (headers: Headers, name: string): number | undefined => {
  const v = Number(headers.get(name));
  return headers.get(name) !== null && Number.isFinite(v) ? Math.max(0, v * 1000) : undefined;
};
const msUntilUtcMidnight = () => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime();
};

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const textToHtml = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

/** Pipedrive custom field values: numbers stay numbers, the rest strings. */
const customFields = (props: CrmProps): Record<string, string | number | null> => {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(props)) out[k] = typeof v === 'boolean' ? String(v) : v;
  return out;
};

export interface PipedriveAdapterOptions extends Partial<CrmHttpOptions> {
  readonly apiToken: string;
  readonly baseUrl?: string;
  readonly mapping: PipedriveMapping;
  /** Calls in flight at once (Pipedrive's burst window is 2 s). */
  readonly concurrency?: number;
}

export class PipedriveCrm implements CrmPort, CrmChangeFeed, CrmEraser {
  readonly streams = ['deal'] as const;
  readonly kind = 'pipedrive' as const;
  readonly http: CrmHttp;
  private readonly mapping: PipedriveMapping;
  private readonly concurrency: number;
  private readonly leadIdField: string | undefined;

  constructor(options: PipedriveAdapterOptions) {
    this.mapping = options.mapping;
    this.concurrency = options.concurrency ?? 4;
    this.leadIdField = Object.entries(options.mapping.fields.deal).find(([, f]) => f === 'lead.id')?.[0];
    const token = options.apiToken;
    this.http = new CrmHttp({
      ...options,
      baseUrl: options.baseUrl ?? 'https://api.pipedrive.com',
      headers: () => ({ 'x-api-token': token }),
      rateLimit: pipedriveRateLimit,
      holdAfter: pipedriveHold,
    });
  }

  /** DELETE /api/v2/persons/{id}: the person and their details (200; 404 once gone). */
  async eraseContact(contactId: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: `/api/v2/persons/${contactId}`, idempotent: true });
  }

  /**
   * Deals `DELETE /api/v2/deals/{id}`, leads `DELETE /v1/leads/{id}`, notes `DELETE /v1/notes/{id}`, tasks
   * and logged emails (activities) `DELETE /api/v2/activities/{id}`: 200; 404 once gone.
   */
  async eraseRecord(type: 'deal' | 'lead' | 'note' | 'task' | 'email', id: string): Promise<void> {
    const path = {
      deal: '/api/v2/deals/',
      lead: '/v1/leads/',
      note: '/v1/notes/',
      task: '/api/v2/activities/',
      email: '/api/v2/activities/',
    }[type];
    await this.http.send({ method: 'DELETE', path: `${path}${encodeURIComponent(id)}`, idempotent: true });
  }

  async ensureCompanies(items: readonly CompanyInput[]): Promise<ItemResults<string>> {
    const domainField = this.mapping.organizationDomainField;
    return this.each(items, async (i) => {
      const fields = customFields({ ...i.properties, ...(i.domain ? { [domainField]: i.domain } : {}) });
      if (i.knownId) {
        await this.http.send({
          method: 'PATCH',
          path: `/api/v2/organizations/${i.knownId}`,
          body: { custom_fields: fields },
          idempotent: true,
        });
        return i.knownId;
      }
      if (!i.domain) throw new CrmError('organization without domain', 'rejected');
      const found = await this.search('organizations', i.domain, 'custom_fields');
      if (found) return found;
      const res = await this.http.send<Envelope<{ id: number }>>({
        method: 'POST',
        path: '/api/v2/organizations',
        body: { name: i.name, ...(i.ownerId ? { owner_id: Number(i.ownerId) } : {}), custom_fields: fields },
        idempotent: false,
      });
      return idOf(res.body);
    });
  }

  async ensureContacts(items: readonly ContactInput[]): Promise<ItemResults<string>> {
    return this.each(items, async (i) => {
      const body = {
        ...(i.companyId ? { org_id: Number(i.companyId) } : {}),
        ...(Object.keys(i.properties).length ? { custom_fields: customFields(i.properties) } : {}),
      };
      const id = i.knownId ?? (i.email ? await this.search('persons', i.email, 'email') : undefined);
      if (id) {
        if (Object.keys(body).length)
          await this.http.send({ method: 'PATCH', path: `/api/v2/persons/${id}`, body, idempotent: true });
        return id;
      }
      const res = await this.http.send<Envelope<{ id: number }>>({
        method: 'POST',
        path: '/api/v2/persons',
        body: {
          name: i.name,
          ...(i.email ? { emails: [{ value: i.email, primary: true, label: 'work' }] } : {}),
          ...(i.phone ? { phones: [{ value: i.phone, primary: true, label: 'work' }] } : {}),
          ...(i.ownerId ? { owner_id: Number(i.ownerId) } : {}),
          ...body,
        },
        idempotent: false,
      });
      return idOf(res.body);
    });
  }

  async upsertRecords(items: readonly RecordInput[]): Promise<ItemResults<string>> {
    return this.each(items, async (i) => {
      const known =
        i.knownId ??
        (i.mayExist && this.leadIdField
          ? await this.search(i.type === 'deal' ? 'deals' : 'leads', i.leadId, 'custom_fields')
          : undefined);
      return i.type === 'deal' ? this.upsertDeal(i, known) : this.upsertLead(i, known);
    });
  }

  private async upsertDeal(i: RecordInput, known: string | undefined): Promise<string> {
    const fields = customFields(i.properties);
    const common = {
      ...(i.stage ? { stage_id: Number(i.stage) } : {}),
      ...(i.status ? { status: i.status } : {}),
      ...(i.status === 'lost' && i.lostReason ? { lost_reason: i.lostReason } : {}),
      ...(i.value !== undefined ? { value: i.value } : {}),
      ...(Object.keys(fields).length ? { custom_fields: fields } : {}),
    };
    if (known) {
      await this.http.send({
        method: 'PATCH',
        path: `/api/v2/deals/${known}`,
        body: common,
        idempotent: true,
      });
      return known;
    }
    const res = await this.http.send<Envelope<{ id: number }>>({
      method: 'POST',
      path: '/api/v2/deals',
      body: {
        title: i.title,
        ...(i.ownerId ? { owner_id: Number(i.ownerId) } : {}),
        ...(i.contactId ? { person_id: Number(i.contactId) } : {}),
        ...(i.companyId ? { org_id: Number(i.companyId) } : {}),
        ...(i.pipeline ? { pipeline_id: Number(i.pipeline) } : {}),
        ...(i.currency ? { currency: i.currency } : {}),
        ...common,
      },
      idempotent: false,
    });
    return idOf(res.body);
  }

  private async upsertLead(i: RecordInput, known: string | undefined): Promise<string> {
    // v1 leads take deal custom fields as top-level keys.
    const fields = customFields(i.properties);
    const value =
      i.value !== undefined && i.currency ? { value: { amount: i.value, currency: i.currency } } : {};
    if (known) {
      await this.http.send({
        method: 'PATCH',
        path: `/v1/leads/${known}`,
        body: { ...fields, ...value },
        idempotent: true,
      });
      return known;
    }
    if (!i.contactId && !i.companyId)
      throw new CrmError('a lead needs a person or an organization', 'rejected');
    const res = await this.http.send<Envelope<{ id: string }>>({
      method: 'POST',
      path: '/v1/leads',
      body: {
        title: i.title,
        ...(i.ownerId ? { owner_id: Number(i.ownerId) } : {}),
        ...(i.contactId ? { person_id: Number(i.contactId) } : {}),
        ...(i.companyId ? { organization_id: Number(i.companyId) } : {}),
        ...(i.labelIds?.length ? { label_ids: i.labelIds } : {}),
        ...value,
        ...fields,
      },
      idempotent: false,
    });
    return idOf(res.body);
  }

  async createActivities(items: readonly ActivityInput[]): Promise<ItemResults<string>> {
    return this.each(items, async (i) => {
      const target = this.target(i.links);
      if (i.kind === 'note') {
        const res = await this.http.send<Envelope<{ id: number }>>({
          method: 'POST',
          path: '/v1/notes',
          body: {
            content: textToHtml(i.body),
            ...target.v1,
            ...(i.links.recordType === 'deal' && i.links.recordId ? { pinned_to_deal_flag: 1 } : {}),
            ...(i.links.recordType === 'lead' && i.links.recordId ? { pinned_to_lead_flag: 1 } : {}),
          },
          idempotent: false,
        });
        return idOf(res.body);
      }
      const at = new Date(i.at);
      const res = await this.http.send<Envelope<{ id: number }>>({
        method: 'POST',
        path: '/api/v2/activities',
        body: {
          subject: i.subject ?? (i.kind === 'email' ? 'Email' : 'Follow up'),
          type: i.kind === 'task' ? this.mapping.taskActivityType : this.mapping.emailActivityType,
          ...(i.ownerId ? { owner_id: Number(i.ownerId) } : {}),
          ...target.v2,
          due_date: at.toISOString().slice(0, 10),
          due_time: at.toISOString().slice(11, 16),
          done: i.kind === 'email',
          note: textToHtml(i.body),
          ...(i.kind === 'task'
            ? { priority: i.priority === 'high' ? 3 : i.priority === 'medium' ? 2 : 1 }
            : {}),
          ...(i.links.contactId
            ? { participants: [{ person_id: Number(i.links.contactId), primary: true }] }
            : {}),
        },
        idempotent: false,
      });
      return idOf(res.body);
    });
  }

  async findActivities(items: readonly FindActivityInput[]): Promise<ItemResults<string | undefined>> {
    return this.each(items, async (i) => {
      const target = this.target(i.links);
      if (i.kind === 'note') {
        const res = await this.http.send<Envelope<{ id: number; content?: string }[]>>({
          method: 'GET',
          path: '/v1/notes',
          query: { ...target.v1, limit: 500 },
          idempotent: true,
        });
        const hit = (res.body?.data ?? []).find((n) => (n.content ?? '').includes(i.marker));
        return hit ? String(hit.id) : undefined;
      }
      const res = await this.http.send<Envelope<{ id: number; note?: string }[]>>({
        method: 'GET',
        path: '/api/v2/activities',
        query: { ...target.v2, limit: 500 },
        idempotent: true,
      });
      const hit = (res.body?.data ?? []).find((a) => (a.note ?? '').includes(i.marker));
      return hit ? String(hit.id) : undefined;
    });
  }

  /** Deals updated since `since` (RFC 3339), oldest first, cursor-paged. */
  async changesSince(
    _stream: 'contact' | 'deal',
    since: string,
    page: { readonly limit: number; readonly after?: string },
  ): Promise<{ changes: CrmChange[]; after?: string }> {
    const res = await this.http.send<Envelope<Record<string, unknown>[]>>({
      method: 'GET',
      path: '/api/v2/deals',
      query: {
        updated_since: since.replace(/\.\d{3}Z$/, 'Z'),
        sort_by: 'update_time',
        sort_direction: 'asc',
        limit: Math.min(page.limit, 500),
        ...(page.after ? { cursor: page.after } : {}),
      },
      idempotent: true,
    });
    const changes = (res.body?.data ?? []).map((d) => ({
      objectType: 'deal' as const,
      objectId: String(d.id),
      properties: {
        status: d.status as string | undefined,
        stage_id: d.stage_id === undefined || d.stage_id === null ? undefined : Number(d.stage_id),
        lost_reason: (d.lost_reason as string | null | undefined) ?? undefined,
        value: typeof d.value === 'number' ? d.value : undefined,
      },
      modifiedAt: new Date(Date.parse(String(d.update_time))).toISOString(),
    }));
    const after = res.body?.additional_data?.next_cursor;
    return { changes, ...(after ? { after } : {}) };
  }

  /** The record an activity hangs on, in v1 (notes) and v2 (activities) parameter names. */
  private target(links: ActivityInput['links']): {
    v1: Record<string, string | number>;
    v2: Record<string, string | number>;
  } {
    if (links.recordId && links.recordType === 'deal')
      return { v1: { deal_id: Number(links.recordId) }, v2: { deal_id: Number(links.recordId) } };
    if (links.recordId && links.recordType === 'lead')
      return { v1: { lead_id: links.recordId }, v2: { lead_id: links.recordId } };
    if (links.contactId)
      return { v1: { person_id: Number(links.contactId) }, v2: { person_id: Number(links.contactId) } };
    return { v1: { org_id: Number(links.companyId) }, v2: { org_id: Number(links.companyId) } };
  }

  /** Exact search; the first hit's id. `leads` is a v1 endpoint, the rest v2. */
  private async search(
    entity: 'organizations' | 'persons' | 'deals' | 'leads',
    term: string,
    fields: string,
  ) {
    const res = await this.http.send<Envelope<SearchData>>({
      method: 'GET',
      path: entity === 'leads' ? '/v1/leads/search' : `/api/v2/${entity}/search`,
      query: { term, fields, exact_match: true, limit: 1 },
      idempotent: true,
    });
    const item = res.body?.data?.items?.[0]?.item;
    return item ? String(item.id) : undefined;
  }

  /** Runs `fn` per item, `concurrency` at a time; an item's failure is its own. */
  private async each<I extends { key: string }, T>(items: readonly I[], fn: (item: I) => Promise<T>) {
    const out = new Map<string, ItemResult<T>>();
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          out.set(item.key, { ok: true, value: await fn(item) });
        } catch (error) {
          out.set(item.key, {
            ok: false,
            error:
              error instanceof CrmError
                ? error
                : new CrmError(error instanceof Error ? error.name : 'unknown', 'unavailable'),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, worker));
    return out;
  }
}

const idOf = (body: Envelope<{ id: number | string }> | undefined): string => {
  const id = body?.data?.id;
  if (id === undefined) throw new CrmError('answer without id', 'unavailable');
  return String(id);
};
