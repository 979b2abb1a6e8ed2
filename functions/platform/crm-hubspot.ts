/**
 * HubSpot adapter of `CrmPort`, plain fetch (the official client 14 needs Node ≥ 22 and adds ~1 MB per
 * bundle for a dozen calls). CRM v3 objects and v4 associations, batched:
 * - companies: one search (`domain IN […]`) before one batch create; known ids batch-updated;
 * - contacts: batch upsert on `email` (HubSpot's own unique key), then v4 batch associations to the company;
 * - deals: batch upsert on the unique lead id property, then v4 batch associations to contact and company;
 * - notes, tasks, emails: batch create with inline associations; found again by marker through the
 *   record's v4 associations + batch read (consistent, unlike search, which indexes with a delay).
 * Batch answers may be 207 multi-status: each item's result or error is matched by `objectWriteTraceId`.
 * 429s carry `policyName`: TEN_SECONDLY_ROLLING / SECONDLY are waited out, DAILY hands the job back.
 */
import type { HubspotMapping } from '../agent/crm/mapping';
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
  type ItemResults,
  type RecordInput,
} from '../agent/crm/port';
import { CrmHttp, type CrmHttpOptions, type RateLimitHint, retryAfter } from './crm-http';

export const HUBSPOT_BATCH_LIMIT = 100;

interface BatchResponse {
  status?: string;
  results?: { id: string; properties?: Record<string, string | null>; objectWriteTraceId?: string }[];
  errors?: { status?: string; category?: string; message?: string; context?: Record<string, string[]> }[];
}

/** HubSpot's 429 body → how long to wait; DAILY is not waited out inline. */
export const hubspotRateLimit = (_status: number, headers: Headers, body: unknown): RateLimitHint => {
  const policy = (body as { policyName?: string } | undefined)?.policyName;
  const header = retryAfter(headers);
  if (policy === 'DAILY') {
    // Resets at midnight in the account's time zone, unknown here: the job comes back within the hour.
    return { long: true, retryAfterMs: header ?? 3_600_000 };
  }
  if (policy === 'SECONDLY') return { retryAfterMs: header ?? 1_000 };
  // TEN_SECONDLY_ROLLING (and unknown policies): the window rolls, room frees up within seconds.
  return { retryAfterMs: header };
};

const hubspotHold = (headers: Headers): number => {
  const remaining = headers.get('x-hubspot-ratelimit-remaining');
  if (remaining !== '0') return 0;
  return 1_000;
};

const chunk = <T>(items: readonly T[], size = HUBSPOT_BATCH_LIMIT): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Plain text → the HTML HubSpot shows in a note/task body (line breaks kept). */
export const textToHtml = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('');

const stringProps = (props: CrmProps): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) out[k] = v === null ? '' : String(v);
  return out;
};

export interface HubspotAdapterOptions extends Partial<CrmHttpOptions> {
  readonly accessToken: string;
  readonly baseUrl?: string;
  readonly mapping: HubspotMapping;
}

export class HubspotCrm implements CrmPort, CrmChangeFeed, CrmEraser {
  readonly streams = ['deal', 'contact'] as const;
  readonly kind = 'hubspot' as const;
  readonly http: CrmHttp;
  private readonly mapping: HubspotMapping;

  constructor(options: HubspotAdapterOptions) {
    this.mapping = options.mapping;
    const token = options.accessToken;
    this.http = new CrmHttp({
      ...options,
      baseUrl: options.baseUrl ?? 'https://api.hubapi.com',
      headers: () => ({ authorization: `Bearer ${token}` }),
      rateLimit: hubspotRateLimit,
      holdAfter: hubspotHold,
    });
  }

  /** POST /crm/v3/objects/contacts/gdpr-delete: HubSpot's permanent delete (204; 404 once gone). */
  async eraseContact(contactId: string): Promise<void> {
    await this.http.send({
      method: 'POST',
      path: '/crm/v3/objects/contacts/gdpr-delete',
      body: { objectId: contactId },
      idempotent: true,
    });
  }

  /**
   * DELETE /crm/v3/objects/{deals|notes|tasks|emails}/{id}: 204 (HubSpot keeps it restorable in its
   * recycling bin for 90 days, then purges it); 404 once gone.
   */
  async eraseRecord(type: 'deal' | 'lead' | 'note' | 'task' | 'email', id: string): Promise<void> {
    const object = { deal: 'deals', lead: 'leads', note: 'notes', task: 'tasks', email: 'emails' }[type];
    await this.http.send({
      method: 'DELETE',
      path: `/crm/v3/objects/${object}/${encodeURIComponent(id)}`,
      idempotent: true,
    });
  }

  // ---- companies --------------------------------------------------------------------------------------------
  async ensureCompanies(items: readonly CompanyInput[]): Promise<ItemResults<string>> {
    const out: ItemResults<string> = new Map();
    const known = items.filter((i) => i.knownId);
    for (const part of chunk(known)) {
      const res = await this.batch('companies', 'update', {
        inputs: part.map((i) => ({
          id: i.knownId,
          properties: stringProps(i.properties),
          objectWriteTraceId: i.key,
        })),
      });
      this.collect(part, res, out, (i) => i.knownId!);
    }
    const fresh = items.filter((i) => !i.knownId && i.domain);
    for (const part of chunk(fresh)) {
      // Search before create: one IN search for every domain of the batch.
      const found = await this.http.send<BatchResponse>({
        method: 'POST',
        path: '/crm/v3/objects/companies/search',
        idempotent: true,
        body: {
          filterGroups: [
            {
              filters: [
                { propertyName: 'domain', operator: 'IN', values: part.map((i) => i.domain!.toLowerCase()) },
              ],
            },
          ],
          properties: ['domain'],
          sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
          limit: HUBSPOT_BATCH_LIMIT,
        },
      });
      const byDomain = new Map<string, string>();
      for (const r of found.body?.results ?? []) {
        const d = r.properties?.domain?.toLowerCase();
        if (d && !byDomain.has(d)) byDomain.set(d, r.id);
      }
      const create: CompanyInput[] = [];
      for (const i of part) {
        const id = byDomain.get(i.domain!.toLowerCase());
        if (id) out.set(i.key, { ok: true, value: id });
        else create.push(i);
      }
      if (create.length === 0) continue;
      const res = await this.batch('companies', 'create', {
        inputs: create.map((i) => ({
          properties: stringProps({
            ...i.properties,
            domain: i.domain!,
            name: i.name,
            ...(i.ownerId ? { hubspot_owner_id: i.ownerId } : {}),
          }),
          objectWriteTraceId: i.key,
        })),
      });
      this.collect(create, res, out);
    }
    for (const i of items) {
      if (!out.has(i.key))
        out.set(i.key, { ok: false, error: new CrmError('company without domain', 'rejected') });
    }
    return out;
  }

  // ---- contacts ---------------------------------------------------------------------------------------------
  async ensureContacts(items: readonly ContactInput[]): Promise<ItemResults<string>> {
    const out: ItemResults<string> = new Map();
    const withEmail = items.filter((i) => i.email);
    for (const part of chunk(withEmail)) {
      const res = await this.batch('contacts', 'upsert', {
        inputs: part.map((i) => ({
          idProperty: 'email',
          id: i.email!.toLowerCase(),
          objectWriteTraceId: i.key,
          properties: stringProps({
            ...splitName(i.name, i.email!),
            ...(i.phone ? { phone: i.phone } : {}),
            ...(i.ownerId ? { hubspot_owner_id: i.ownerId } : {}),
            ...i.properties,
          }),
        })),
      });
      // Upsert results carry the email; match on it (trace ids are not echoed by every version).
      const byEmail = new Map<string, string>();
      for (const r of res.results ?? []) {
        const e = r.properties?.email?.toLowerCase();
        if (e) byEmail.set(e, r.id);
      }
      this.collect(part, res, out, (i) => byEmail.get(i.email!.toLowerCase()));
    }
    // Contact → company (v4, idempotent: an existing association is left as is).
    const pairs = items.flatMap((i) => {
      const r = out.get(i.key);
      return r?.ok && i.companyId ? [{ key: i.key, from: r.value, to: i.companyId }] : [];
    });
    await this.associate('contact', 'company', this.mapping.associationTypes.contactToCompany, pairs, out);
    for (const i of items) {
      if (!out.has(i.key))
        out.set(i.key, { ok: false, error: new CrmError('contact without email', 'rejected') });
    }
    return out;
  }

  // ---- deals ------------------------------------------------------------------------------------------------
  async upsertRecords(items: readonly RecordInput[]): Promise<ItemResults<string>> {
    const out: ItemResults<string> = new Map();
    const leadIdProperty = this.mapping.deal.leadIdProperty;
    for (const part of chunk(items)) {
      const res = await this.batch('deals', 'upsert', {
        inputs: part.map((i) => ({
          idProperty: leadIdProperty,
          id: i.leadId,
          objectWriteTraceId: i.key,
          properties: stringProps({
            ...i.properties,
            [leadIdProperty]: i.leadId,
            ...(i.knownId ? {} : { dealname: i.title }),
            ...(i.pipeline ? { pipeline: i.pipeline } : {}),
            ...(i.stage ? { dealstage: i.stage } : {}),
            ...(i.ownerId ? { hubspot_owner_id: i.ownerId } : {}),
            ...(i.value !== undefined ? { amount: i.value } : {}),
            ...(i.currency ? { deal_currency_code: i.currency } : {}),
          }),
        })),
      });
      const byLead = new Map<string, string>();
      for (const r of res.results ?? []) {
        const l = r.properties?.[leadIdProperty];
        if (l) byLead.set(l, r.id);
      }
      this.collect(part, res, out, (i) => byLead.get(i.leadId));
    }
    const types = this.mapping.associationTypes;
    const toContact = items.flatMap((i) => {
      const r = out.get(i.key);
      return r?.ok && i.contactId ? [{ key: i.key, from: r.value, to: i.contactId }] : [];
    });
    await this.associate('deal', 'contact', types.dealToContact, toContact, out);
    const toCompany = items.flatMap((i) => {
      const r = out.get(i.key);
      return r?.ok && i.companyId ? [{ key: i.key, from: r.value, to: i.companyId }] : [];
    });
    await this.associate('deal', 'company', types.dealToCompany, toCompany, out);
    return out;
  }

  // ---- notes, tasks, emails ---------------------------------------------------------------------------------
  async createActivities(items: readonly ActivityInput[]): Promise<ItemResults<string>> {
    const out: ItemResults<string> = new Map();
    for (const kind of ['note', 'task', 'email'] as const) {
      const ofKind = items.filter((i) => i.kind === kind);
      for (const part of chunk(ofKind)) {
        const res = await this.batch(objectOf(kind), 'create', {
          inputs: part.map((i) => ({
            properties: this.activityProperties(i),
            associations: this.activityAssociations(i),
            objectWriteTraceId: i.key,
          })),
        });
        this.collect(part, res, out);
      }
    }
    return out;
  }

  async findActivities(items: readonly FindActivityInput[]): Promise<ItemResults<string | undefined>> {
    const out: ItemResults<string | undefined> = new Map();
    for (const i of items) {
      try {
        const [fromType, fromId] = i.links.recordId
          ? ['deal', i.links.recordId]
          : i.links.contactId
            ? ['contact', i.links.contactId]
            : ['company', i.links.companyId];
        if (!fromId) {
          out.set(i.key, { ok: true, value: undefined });
          continue;
        }
        const object = objectOf(i.kind);
        const assoc = await this.http.send<{ results?: { toObjectId: string | number }[] }>({
          method: 'GET',
          path: `/crm/v4/objects/${fromType}/${fromId}/associations/${object}`,
          query: { limit: 500 },
          idempotent: true,
        });
        const ids = (assoc.body?.results ?? []).map((r) => String(r.toObjectId));
        let match: string | undefined;
        const bodyProperty =
          i.kind === 'note' ? 'hs_note_body' : i.kind === 'task' ? 'hs_task_body' : 'hs_email_text';
        for (const part of chunk(ids)) {
          const read = await this.http.send<BatchResponse>({
            method: 'POST',
            path: `/crm/v3/objects/${object}/batch/read`,
            idempotent: true,
            body: { inputs: part.map((id) => ({ id })), properties: [bodyProperty] },
          });
          match = read.body?.results?.find((r) =>
            (r.properties?.[bodyProperty] ?? '').includes(i.marker),
          )?.id;
          if (match) break;
        }
        out.set(i.key, { ok: true, value: match });
      } catch (error) {
        out.set(i.key, { ok: false, error: asCrmError(error) });
      }
    }
    return out;
  }

  // ---- reconciliation ---------------------------------------------------------------------------------------
  async changesSince(
    stream: 'contact' | 'deal',
    since: string,
    page: { readonly limit: number; readonly after?: string },
  ): Promise<{ changes: CrmChange[]; after?: string }> {
    const properties =
      stream === 'deal'
        ? ['dealstage', 'amount', this.mapping.deal.leadIdProperty, this.mapping.inbound.lostReasonProperty]
        : ['lifecyclestage', 'hs_lead_status', 'lq_lead_id'];
    const res = await this.http.send<BatchResponse & { paging?: { next?: { after?: string } } }>({
      method: 'POST',
      path: `/crm/v3/objects/${stream}s/search`,
      idempotent: true,
      body: {
        filterGroups: [
          {
            filters: [
              { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(Date.parse(since)) },
              ...(stream === 'deal'
                ? [{ propertyName: this.mapping.deal.leadIdProperty, operator: 'HAS_PROPERTY' }]
                : []),
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
        properties,
        limit: Math.min(page.limit, 200),
        ...(page.after ? { after: page.after } : {}),
      },
    });
    const changes = (res.body?.results ?? []).map((r) => {
      const p = r.properties ?? {};
      const modified = p.hs_lastmodifieddate ?? p.lastmodifieddate ?? since;
      return {
        objectType: stream,
        objectId: r.id,
        properties: {
          ...p,
          [this.mapping.deal.leadIdProperty]: p[this.mapping.deal.leadIdProperty] ?? undefined,
        },
        modifiedAt: Number.isNaN(Number(modified))
          ? new Date(Date.parse(modified)).toISOString()
          : new Date(Number(modified)).toISOString(),
      } satisfies CrmChange;
    });
    const after = res.body?.paging?.next?.after;
    return { changes, ...(after ? { after } : {}) };
  }

  // ---- helpers ----------------------------------------------------------------------------------------------
  private activityProperties(i: ActivityInput): Record<string, string> {
    const at = String(Date.parse(i.at));
    const owner: Record<string, string> = i.ownerId ? { hubspot_owner_id: i.ownerId } : {};
    if (i.kind === 'note') return { hs_timestamp: at, hs_note_body: textToHtml(i.body), ...owner };
    if (i.kind === 'task') {
      return {
        hs_timestamp: at,
        hs_task_subject: i.subject ?? '',
        hs_task_body: textToHtml(i.body),
        hs_task_status: 'NOT_STARTED',
        hs_task_priority: (i.priority ?? 'medium').toUpperCase(),
        hs_task_type: 'EMAIL',
        ...owner,
      };
    }
    return {
      hs_timestamp: at,
      hs_email_direction: 'EMAIL',
      hs_email_status: 'SENT',
      hs_email_subject: i.subject ?? '',
      hs_email_text: i.body,
      hs_email_headers: JSON.stringify({
        from: { email: i.email?.from, ...(i.email?.fromName ? { firstName: i.email.fromName } : {}) },
        to: [{ email: i.email?.to }],
        cc: [],
        bcc: [],
      }),
      ...owner,
    };
  }

  private activityAssociations(i: ActivityInput) {
    const t = this.mapping.associationTypes;
    const ids =
      i.kind === 'note'
        ? [t.noteToContact, t.noteToCompany, t.noteToDeal]
        : i.kind === 'task'
          ? [t.taskToContact, t.taskToCompany, t.taskToDeal]
          : [t.emailToContact, t.emailToCompany, t.emailToDeal];
    const targets = [
      i.links.contactId,
      i.links.companyId,
      i.links.recordType === 'deal' ? i.links.recordId : undefined,
    ];
    return targets.flatMap((id, n) =>
      id
        ? [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ids[n] }] }]
        : [],
    );
  }

  private async batch(
    object: string,
    action: 'create' | 'update' | 'upsert',
    body: unknown,
  ): Promise<BatchResponse> {
    const res = await this.http.send<BatchResponse>({
      method: 'POST',
      path: `/crm/v3/objects/${object}/batch/${action}`,
      body,
      // Upserts and updates land on the same record twice; a create does not.
      idempotent: action !== 'create',
    });
    return res.body ?? {};
  }

  /** Matches a (possibly 207) batch answer to its inputs: by trace id, else by `idOf`, else the item's error. */
  private collect<I extends { key: string }>(
    inputs: readonly I[],
    res: BatchResponse,
    out: ItemResults<string>,
    idOf?: (input: I) => string | undefined,
  ): void {
    const byTrace = new Map<string, string>();
    for (const r of res.results ?? []) if (r.objectWriteTraceId) byTrace.set(r.objectWriteTraceId, r.id);
    const errorByTrace = new Map<string, CrmError>();
    for (const e of res.errors ?? []) {
      const error = new CrmError(
        [e.category, e.status].filter(Boolean).join(' ') || 'batch item failed',
        e.category === 'RATE_LIMITS' ? 'rate_limited' : e.category === 'CONFLICT' ? 'conflict' : 'rejected',
      );
      for (const trace of e.context?.objectWriteTraceId ?? []) errorByTrace.set(trace, error);
    }
    const positional =
      !idOf && (res.results ?? []).every((r) => !r.objectWriteTraceId) && (res.errors ?? []).length === 0;
    inputs.forEach((input, n) => {
      const id = byTrace.get(input.key) ?? idOf?.(input) ?? (positional ? res.results?.[n]?.id : undefined);
      if (id) out.set(input.key, { ok: true, value: id });
      else
        out.set(input.key, {
          ok: false,
          error: errorByTrace.get(input.key) ?? new CrmError('batch item failed', 'unavailable'),
        });
    });
  }

  private async associate(
    from: string,
    to: string,
    typeId: number,
    pairs: { key: string; from: string; to: string }[],
    out: ItemResults<string>,
  ): Promise<void> {
    for (const part of chunk(pairs)) {
      try {
        const res = await this.http.send<BatchResponse>({
          method: 'POST',
          path: `/crm/v4/associations/${from}/${to}/batch/create`,
          idempotent: true,
          body: {
            inputs: part.map((p) => ({
              from: { id: p.from },
              to: { id: p.to },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
            })),
          },
        });
        // Per-item association errors name the ids in their context; fail those items only.
        for (const e of res.body?.errors ?? []) {
          const ids = new Set(Object.values(e.context ?? {}).flat());
          for (const p of part) {
            if (ids.has(p.from) || ids.has(p.to))
              out.set(p.key, {
                ok: false,
                error: new CrmError(`association ${e.category ?? 'failed'}`, 'rejected'),
              });
          }
        }
      } catch (error) {
        for (const p of part) out.set(p.key, { ok: false, error: asCrmError(error) });
      }
    }
  }
}

const objectOf = (kind: 'note' | 'task' | 'email') => `${kind}s`;

const splitName = (name: string, email: string): Record<string, string> => {
  if (name === email) return {};
  const [first, ...rest] = name.trim().split(/\s+/);
  return { firstname: first ?? '', ...(rest.length ? { lastname: rest.join(' ') } : {}) };
};

const asCrmError = (error: unknown): CrmError =>
  error instanceof CrmError
    ? error
    : new CrmError(error instanceof Error ? error.name : 'unknown', 'unavailable');
