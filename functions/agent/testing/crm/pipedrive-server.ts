/**
 * A Pipedrive stand-in on 127.0.0.1 speaking the real wire format of the calls the adapter makes: API v2
 * organizations / persons / deals / activities (create, PATCH, DELETE, exact search, deal listing by
 * `updated_since` with cursor paging), API v1 leads and notes, `x-api-token` auth (401), the
 * `{ success, data, additional_data }` envelope, the rate-limit headers (`x-ratelimit-limit`,
 * `x-ratelimit-remaining`, `x-ratelimit-reset`, `x-daily-requests-left`) and 429 once the token budget of
 * the window is spent. Keeps state, so search-before-create and duplicates are observable, and builds
 * webhooks v2 payloads (`meta`, `data`, `previous`) for edits made "in the app".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type TestServer } from '../http-server';

export const PIPEDRIVE_TEST_TOKEN = '0123456789abcdef0123456789abcdef01234567';

type Entity = 'organizations' | 'persons' | 'deals' | 'leads' | 'notes' | 'activities';
export type PipedriveItem = Record<string, unknown> & { id: number | string };

export interface PipedriveServerOptions {
  /** Token budget per window: every call costs tokens (search 40, list 20, write 10, get 2). */
  budget?: { readonly tokens: number; readonly windowMs: number };
  /** Requests per 2-second burst window (Pipedrive's per-token limit); default unlimited. */
  readonly burstPerTwoSeconds?: number;
  outage?: boolean;
}

export interface PipedriveServer extends TestServer {
  readonly items: Record<Entity, Map<string, PipedriveItem>>;
  readonly calls: { method: string; path: string; status: number }[];
  readonly options: PipedriveServerOptions;
  duplicates(): string[];
  /** Changes a record as a user would in the app; returns the webhooks v2 payload Pipedrive would send. */
  edit(
    entity: 'deal' | 'lead' | 'person',
    id: string,
    changes: Record<string, unknown>,
  ): Record<string, unknown>;
  /** Creates a deal as a user converting a lead would; returns the `create` webhook payload. */
  convertLead(leadId: string): Record<string, unknown>;
}

const MARKER = /lq-ref (\S+?)(?:<|\s|$)/;
const COST = { search: 40, list: 20, write: 10, get: 2 } as const;

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });

export const startPipedriveServer = async (
  options: PipedriveServerOptions = {},
): Promise<PipedriveServer> => {
  const items = {
    organizations: new Map(),
    persons: new Map(),
    deals: new Map(),
    leads: new Map(),
    notes: new Map(),
    activities: new Map(),
  } as Record<Entity, Map<string, PipedriveItem>>;
  const calls: PipedriveServer['calls'] = [];
  let nextId = 1;
  let budgetStart = Date.now();
  let budgetUsed = 0;
  const burst: number[] = [];
  let clock = 0;
  const nowIso = () => {
    clock = Math.max(clock + 1000, Date.now());
    return new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const failure = (error: string, code?: string) => ({
    success: false,
    error,
    error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
    data: null,
    additional_data: null,
    ...(code ? { code } : {}),
  });

  const customMatch = (item: PipedriveItem, term: string) =>
    Object.values((item.custom_fields as Record<string, unknown>) ?? {}).some(
      (v) => String(v ?? '').toLowerCase() === term.toLowerCase(),
    ) ||
    // v1 leads keep custom fields as top-level 40-character keys.
    Object.entries(item).some(
      ([k, v]) => /^[a-f0-9]{40}$/.test(k) && String(v ?? '').toLowerCase() === term.toLowerCase(),
    );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const cost = path.endsWith('/search') ? COST.search : method === 'GET' ? COST.list : COST.write;
    const record = (status: number) => calls.push({ method, path, status });

    const token = req.headers['x-api-token'] ?? q.get('api_token');
    if (token !== PIPEDRIVE_TEST_TOKEN) {
      record(401);
      return send(
        res,
        401,
        failure('You need to be authorized to make this request.', 'unauthorized_access'),
      );
    }
    if (options.outage) {
      record(503);
      return send(res, 503, failure('Service unavailable'));
    }
    const now = Date.now();
    while (burst.length && burst[0]! <= now - 2_000) burst.shift();
    const windowMs = options.budget?.windowMs ?? 86_400_000;
    if (now - budgetStart >= windowMs) {
      budgetStart = now - ((now - budgetStart) % windowMs);
      budgetUsed = 0;
    }
    const limit = options.burstPerTwoSeconds ?? 1000;
    const resetSeconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
    const budgetLeft = (options.budget?.tokens ?? Number.POSITIVE_INFINITY) - budgetUsed;
    if (budgetLeft < cost) {
      record(429);
      const wait = resetSeconds(windowMs - (now - budgetStart));
      return send(
        res,
        429,
        { ...failure('Request over limit'), errorCode: 429 },
        {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': wait,
          'retry-after': wait,
        },
      );
    }
    if (burst.length >= limit) {
      record(429);
      const wait = resetSeconds(2_000 - (now - burst[0]!));
      return send(
        res,
        429,
        { ...failure('Request over limit'), errorCode: 429 },
        {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': wait,
          'retry-after': wait,
        },
      );
    }
    burst.push(now);
    budgetUsed += cost;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - burst.length)),
      'x-ratelimit-reset': '2',
      ...(method !== 'GET' ? { 'x-daily-requests-left': '9999' } : {}),
    };
    const ok = (status: number, body: unknown) => {
      record(status);
      send(res, status, body, headers);
    };
    const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;

    // ---- search --------------------------------------------------------------------------------------------
    let m = /^\/(?:api\/v2|v1)\/(organizations|persons|deals|leads)\/search$/.exec(path);
    if (m && method === 'GET') {
      const entity = m[1] as Entity;
      const term = q.get('term') ?? '';
      const fields = (q.get('fields') ?? '').split(',');
      if (term.length < 1) return ok(400, failure('term is required'));
      const hits = [...items[entity].values()].filter((item) => {
        if (fields.includes('email')) {
          const emails = (item.emails as { value: string }[] | undefined) ?? [];
          if (emails.some((e) => e.value.toLowerCase() === term.toLowerCase())) return true;
        }
        if (fields.includes('custom_fields') && customMatch(item, term)) return true;
        if (fields.includes('name') && String(item.name ?? '').toLowerCase() === term.toLowerCase())
          return true;
        return false;
      });
      return ok(200, {
        success: true,
        data: {
          items: hits.slice(0, Number(q.get('limit') ?? 100)).map((item) => ({ result_score: 1, item })),
        },
        additional_data: { next_cursor: null },
      });
    }

    // ---- create --------------------------------------------------------------------------------------------
    m = /^\/(?:api\/v2|v1)\/(organizations|persons|deals|leads|notes|activities)$/.exec(path);
    if (m && method === 'POST') {
      const entity = m[1] as Entity;
      const required = {
        organizations: 'name',
        persons: 'name',
        deals: 'title',
        leads: 'title',
        notes: 'content',
        activities: 'subject',
      }[entity];
      if (!body[required]) return ok(400, failure(`${required} is required`));
      if (entity === 'notes' && !body.deal_id && !body.lead_id && !body.person_id && !body.org_id)
        return ok(400, failure('Note must be attached to a deal, lead, person or organization'));
      if (entity === 'leads' && !body.person_id && !body.organization_id)
        return ok(400, failure('A lead must be linked to a person or an organization'));
      if (entity === 'activities' && body.due_date && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.due_date)))
        return ok(400, failure('due_date must be YYYY-MM-DD'));
      const stamp = nowIso();
      const id = entity === 'leads' ? crypto.randomUUID() : nextId++;
      const item: PipedriveItem = {
        ...body,
        id,
        add_time: stamp,
        update_time: stamp,
        ...(entity === 'deals' ? { status: body.status ?? 'open' } : {}),
        ...(entity === 'leads' ? { is_archived: false } : {}),
      };
      items[entity].set(String(id), item);
      return ok(201, { success: true, data: item, additional_data: null });
    }

    // ---- update --------------------------------------------------------------------------------------------
    m = /^\/(?:api\/v2|v1)\/(organizations|persons|deals|leads)\/([\w-]+)$/.exec(path);
    if (m && method === 'PATCH') {
      const item = items[m[1] as Entity].get(m[2]!);
      if (!item) return ok(404, failure('Entity not found', 'not_found'));
      const custom = body.custom_fields as Record<string, unknown> | undefined;
      Object.assign(item, body, {
        ...(custom ? { custom_fields: { ...((item.custom_fields as object) ?? {}), ...custom } } : {}),
        update_time: nowIso(),
      });
      return ok(200, { success: true, data: item, additional_data: null });
    }
    // ---- delete (API v2 and v1 leads: `{ success, data: { id } }`; v1 notes: `{ success, data: true }`) -------
    m = /^\/(?:api\/v2|v1)\/(organizations|persons|deals|leads|notes|activities)\/([\w-]+)$/.exec(path);
    if (m && method === 'DELETE') {
      const entity = m[1] as Entity;
      if (!items[entity].delete(m[2]!)) return ok(404, failure('Entity not found', 'not_found'));
      if (entity === 'notes') return ok(200, { success: true, data: true });
      return ok(200, { success: true, data: { id: entity === 'leads' ? m[2] : Number(m[2]) } });
    }
    m = /^\/(?:api\/v2|v1)\/(organizations|persons|deals|leads)\/([\w-]+)$/.exec(path);
    if (m && method === 'GET') {
      const item = items[m[1] as Entity].get(m[2]!);
      return item
        ? ok(200, { success: true, data: item })
        : ok(404, failure('Entity not found', 'not_found'));
    }

    // ---- lists ---------------------------------------------------------------------------------------------
    if ((path === '/v1/notes' || path === '/api/v2/activities') && method === 'GET') {
      const entity: Entity = path === '/v1/notes' ? 'notes' : 'activities';
      const filters = ['deal_id', 'lead_id', 'person_id', 'org_id'].filter((k) => q.has(k));
      const list = [...items[entity].values()].filter((item) =>
        filters.every((k) => String(item[k]) === q.get(k)),
      );
      return ok(200, { success: true, data: list, additional_data: { next_cursor: null } });
    }
    if (path === '/api/v2/deals' && method === 'GET') {
      const since = q.get('updated_since');
      const limit = Math.min(Number(q.get('limit') ?? 100), 500);
      const start = Number(q.get('cursor') ?? 0);
      const list = [...items.deals.values()]
        .filter((d) => !since || String(d.update_time) >= since)
        .sort(
          (a, b) => String(a.update_time).localeCompare(String(b.update_time)) || Number(a.id) - Number(b.id),
        );
      const page = list.slice(start, start + limit);
      return ok(200, {
        success: true,
        data: page,
        additional_data: { next_cursor: start + limit < list.length ? String(start + limit) : null },
      });
    }
    return ok(404, failure(`Unknown method ${method} ${path}`));
  };

  const server = await startServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, failure('internal error'));
    });
  });

  const webhook = (
    entity: string,
    action: string,
    data: PipedriveItem,
    previous: Record<string, unknown> | null,
  ) => ({
    meta: {
      action,
      entity,
      version: '2.0',
      company_id: '12882925',
      user_id: '18487521',
      id: crypto.randomUUID(),
      entity_id: String(data.id),
      webhook_id: '99',
      webhook_owner_id: '18487521',
      permitted_user_ids: ['18487521'],
      attempt: 1,
      host: 'company.pipedrive.com',
      timestamp: new Date().toISOString(),
      change_source: 'app',
      is_bulk_edit: false,
      type: 'general',
    },
    data,
    previous,
  });

  const duplicates = () => {
    const out: string[] = [];
    const check = (entity: Entity, keyOf: (i: PipedriveItem) => string | undefined) => {
      const seen = new Map<string, number>();
      for (const i of items[entity].values()) {
        const k = keyOf(i);
        if (k) seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      for (const [k, n] of seen) if (n > 1) out.push(`${entity} ${k} ×${n}`);
    };
    const customKey = (i: PipedriveItem) =>
      JSON.stringify(Object.values((i.custom_fields as object) ?? {}).sort()) === '[]'
        ? undefined
        : JSON.stringify((i.custom_fields as object) ?? {});
    check('organizations', customKey);
    check('persons', (i) => (i.emails as { value: string }[] | undefined)?.[0]?.value.toLowerCase());
    check('deals', customKey);
    check('leads', (i) => {
      const keys = Object.keys(i)
        .filter((k) => /^[a-f0-9]{40}$/.test(k))
        .sort();
      return keys.length ? JSON.stringify(keys.map((k) => i[k])) : undefined;
    });
    check('notes', (i) => MARKER.exec(String(i.content ?? ''))?.[1]);
    check('activities', (i) => MARKER.exec(String(i.note ?? ''))?.[1]);
    return out;
  };

  return Object.assign(server, {
    items,
    calls,
    options,
    duplicates,
    edit: (entity: 'deal' | 'lead' | 'person', id: string, changes: Record<string, unknown>) => {
      const store = items[`${entity}s` as Entity];
      const item = store.get(id);
      if (!item) throw new Error(`no ${entity} ${id}`);
      const previous = Object.fromEntries(Object.keys(changes).map((k) => [k, item[k] ?? null]));
      Object.assign(item, changes, { update_time: nowIso() });
      return webhook(entity, 'change', structuredClone(item), previous);
    },
    convertLead: (leadId: string) => {
      const lead = items.leads.get(leadId);
      if (!lead) throw new Error(`no lead ${leadId}`);
      const stamp = nowIso();
      const deal: PipedriveItem = {
        id: nextId++,
        title: lead.title,
        person_id: lead.person_id ?? null,
        org_id: lead.organization_id ?? null,
        owner_id: lead.owner_id ?? null,
        status: 'open',
        stage_id: 1,
        pipeline_id: 1,
        add_time: stamp,
        update_time: stamp,
        origin: 'Lead',
      };
      items.deals.set(String(deal.id), deal);
      items.leads.delete(leadId);
      return webhook('deal', 'create', structuredClone(deal), null);
    },
  });
};
