/**
 * A HubSpot stand-in on 127.0.0.1 speaking the real wire format of the calls the adapter makes: CRM v3
 * objects (batch create/update/upsert/read, archive by id, search with EQ/IN/GTE/HAS_PROPERTY filters, sorts
 * and paging), the contacts GDPR delete, v4 associations (batch create, list), Bearer auth (401
 * INVALID_AUTHENTICATION), 207 multi-status batch
 * answers with per-item errors, 409 on a duplicate unique value, the rate-limit headers and the 429 body
 * with `policyName`. It keeps state, so searching before creating and duplicates are observable. Used by
 * tests, the benchmark and the local stack. Data are whatever the tests send.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type TestServer } from '../http-server';

export const HUBSPOT_TEST_TOKEN = 'pat-eu1-00000000-0000-4000-8000-000000000000';

export interface HubspotObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type HubspotPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export interface HubspotServerOptions {
  /** Requests allowed per rolling ten seconds (HubSpot: 100–190); default unlimited. */
  readonly tenSecondlyLimit?: number;
  /** Forced 429s: called per request with the time; a policy name answers 429 with that policy. */
  throttle?: (now: number, path: string) => HubspotPolicy | undefined;
  /** Answers 503 to everything while true (an outage). */
  outage?: boolean;
}

export interface HubspotServer extends TestServer {
  readonly objects: Map<string, Map<string, HubspotObject>>;
  readonly associations: Set<string>;
  readonly calls: { method: string; path: string; status: number }[];
  readonly options: HubspotServerOptions;
  /** Objects of a type whose property equals value. */
  find(type: string, property: string, value: string): HubspotObject[];
  /** Groups of objects that should be unique but are not (same domain, email, lead id, or activity marker). */
  duplicates(): string[];
  associated(fromType: string, fromId: string, toType: string): string[];
  /** Sets a property as HubSpot would when a user edits a record (bumps hs_lastmodifieddate). */
  edit(type: string, id: string, properties: Record<string, string>): void;
}

const PLURAL: Record<string, string> = {
  contact: 'contacts',
  contacts: 'contacts',
  company: 'companies',
  companies: 'companies',
  deal: 'deals',
  deals: 'deals',
  note: 'notes',
  notes: 'notes',
  task: 'tasks',
  tasks: 'tasks',
  email: 'emails',
  emails: 'emails',
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
};
const TYPE_ID: Record<string, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  notes: '0-46',
  tasks: '0-27',
  emails: '0-49',
};
const MARKER = /lq-ref (\S+)/;

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(Symbol.for('invalid'));
      }
    });
  });

export const startHubspotServer = async (options: HubspotServerOptions = {}): Promise<HubspotServer> => {
  const objects = new Map<string, Map<string, HubspotObject>>(
    Object.keys(TYPE_ID).map((t) => [t, new Map<string, HubspotObject>()]),
  );
  const associations = new Set<string>();
  const calls: HubspotServer['calls'] = [];
  const window: number[] = [];
  let nextId = 1000;
  let clock = 0;
  /** Strictly increasing timestamps, so "modified since" is exact. */
  const stamp = () => {
    clock = Math.max(clock + 1, Date.now());
    return new Date(clock).toISOString();
  };

  const store = (type: string) => objects.get(type)!;
  const create = (type: string, properties: Record<string, string>): HubspotObject => {
    const now = stamp();
    const id = String(nextId++);
    const obj = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: now, hs_lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
    };
    store(type).set(id, obj);
    return obj;
  };
  const update = (obj: HubspotObject, properties: Record<string, string>) => {
    const now = stamp();
    Object.assign(obj.properties, properties, { hs_lastmodifieddate: now });
    obj.updatedAt = now;
  };
  const view = (obj: HubspotObject, props?: string[], extra: Record<string, unknown> = {}) => ({
    id: obj.id,
    properties: props
      ? Object.fromEntries(
          ['hs_object_id', 'createdate', 'hs_lastmodifieddate', ...props].map((p) => [
            p,
            obj.properties[p] ?? null,
          ]),
        )
      : obj.properties,
    createdAt: obj.createdAt,
    updatedAt: obj.updatedAt,
    archived: false,
    ...extra,
  });
  const find = (type: string, property: string, value: string) =>
    [...store(type).values()].filter(
      (o) => (o.properties[property] ?? '').toLowerCase() === value.toLowerCase(),
    );
  const assocKey = (ft: string, fid: string, tt: string, tid: string) => `${ft}:${fid}->${tt}:${tid}`;
  const associate = (ft: string, fid: string, tt: string, tid: string) => {
    associations.add(assocKey(ft, fid, tt, tid));
    associations.add(assocKey(tt, tid, ft, fid));
  };
  const associated = (ft: string, fid: string, tt: string) =>
    [...associations].filter((k) => k.startsWith(`${ft}:${fid}->${tt}:`)).map((k) => k.split(':').at(-1)!);

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (category: string, message: string, extra: Record<string, unknown> = {}) => ({
    status: 'error',
    message,
    correlationId: crypto.randomUUID(),
    category,
    ...extra,
  });
  const validate = (type: string, props: Record<string, unknown>): string | undefined => {
    if (
      type === 'contacts' &&
      props.email !== undefined &&
      !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(props.email))
    )
      return 'Property values were not valid: email';
    if (props.hs_timestamp !== undefined && !/^\d+$|^\d{4}-/.test(String(props.hs_timestamp)))
      return 'Property values were not valid: hs_timestamp';
    return undefined;
  };
  const batchAnswer = (res: ServerResponse, results: unknown[], errors: unknown[], created: boolean) => {
    const now = new Date().toISOString();
    const body = {
      status: 'COMPLETE',
      results,
      ...(errors.length ? { numErrors: errors.length, errors } : {}),
      requestedAt: now,
      startedAt: now,
      completedAt: now,
    };
    send(res, errors.length ? 207 : created ? 201 : 200, body);
  };
  const itemError = (
    category: string,
    message: string,
    trace?: string,
    extra: Record<string, string[]> = {},
  ) => ({
    status: 'error',
    category,
    message,
    context: { ...(trace ? { objectWriteTraceId: [trace] } : {}), ...extra },
    links: {},
  });
  const stringify = (props: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v === null ? '' : String(v)]));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const record = (status: number) => calls.push({ method, path, status });
    const now = Date.now();
    const limit = options.tenSecondlyLimit;
    while (window.length && window[0]! <= now - 10_000) window.shift();
    const rateHeaders = {
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': String(limit ?? 190),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, (limit ?? 190) - window.length - 1)),
      'x-hubspot-ratelimit-daily': '1000000',
      'x-hubspot-ratelimit-daily-remaining': '999000',
    };
    if (req.headers.authorization !== `Bearer ${HUBSPOT_TEST_TOKEN}`) {
      record(401);
      return send(res, 401, error('INVALID_AUTHENTICATION', 'Authentication credentials not found.'));
    }
    if (options.outage) {
      record(503);
      return send(res, 503, error('SERVICE_UNAVAILABLE', 'Service unavailable'));
    }
    const forced = options.throttle?.(now, path);
    if (forced || (limit !== undefined && window.length >= limit)) {
      record(429);
      const policy = forced ?? 'TEN_SECONDLY_ROLLING';
      return send(
        res,
        429,
        {
          status: 'error',
          message: `You have reached your ${policy.toLowerCase()} limit.`,
          errorType: 'RATE_LIMIT',
          correlationId: crypto.randomUUID(),
          policyName: policy,
          groupName: 'publicapi:private-app:0000',
        },
        { ...rateHeaders, 'x-hubspot-ratelimit-remaining': '0' },
      );
    }
    window.push(now);
    const body = (await readJson(req)) as Record<string, unknown> | undefined;
    if (typeof body === 'symbol') {
      record(400);
      return send(res, 400, error('VALIDATION_ERROR', 'Invalid JSON'), rateHeaders);
    }
    const ok = (status: number, payload: unknown) => {
      record(status);
      send(res, status, payload, rateHeaders);
    };

    // ---- v3 batch -------------------------------------------------------------------------------------------
    let m = /^\/crm\/v3\/objects\/([a-z0-9-]+)\/batch\/(create|update|upsert|read)$/.exec(path);
    if (m && method === 'POST') {
      const type = PLURAL[m[1]!];
      const action = m[2]!;
      if (!type) return ok(404, error('OBJECT_NOT_FOUND', `Unknown object type ${m[1]}`));
      const inputs = (body?.inputs ?? []) as Record<string, unknown>[];
      if (!Array.isArray(inputs) || inputs.length > 100)
        return ok(400, error('VALIDATION_ERROR', 'inputs must be an array of at most 100 items'));
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const input of inputs) {
        const trace = input.objectWriteTraceId as string | undefined;
        const props = stringify(input.properties as Record<string, unknown>);
        const extra = trace ? { objectWriteTraceId: trace } : {};
        const checked =
          action === 'upsert' && input.idProperty
            ? { ...props, [String(input.idProperty)]: String(input.id ?? '') }
            : props;
        const invalid = action !== 'read' ? validate(type, checked) : undefined;
        if (invalid) {
          errors.push(itemError('VALIDATION_ERROR', invalid, trace));
          continue;
        }
        if (action === 'read') {
          const obj = store(type).get(String(input.id));
          if (obj) results.push(view(obj, body?.properties as string[] | undefined));
          else
            errors.push(
              itemError('OBJECT_NOT_FOUND', 'Could not get some objects', undefined, {
                ids: [String(input.id)],
              }),
            );
          continue;
        }
        if (action === 'create') {
          if (type === 'contacts' && props.email && find(type, 'email', props.email).length) {
            errors.push(itemError('CONFLICT', 'Contact already exists', trace));
            continue;
          }
          const obj = create(type, props);
          for (const a of (input.associations ?? []) as { to: { id: string } }[]) {
            const target = [...objects.entries()].find(([, s]) => s.has(String(a.to.id)));
            if (target) associate(type, obj.id, target[0], String(a.to.id));
          }
          results.push(view(obj, undefined, extra));
          continue;
        }
        if (action === 'update') {
          const obj = store(type).get(String(input.id));
          if (!obj) {
            errors.push(
              itemError('OBJECT_NOT_FOUND', 'Object not found', trace, { ids: [String(input.id)] }),
            );
            continue;
          }
          update(obj, props);
          results.push(view(obj, undefined, extra));
          continue;
        }
        // upsert
        const idProperty = String(input.idProperty ?? '');
        const idValue = String(input.id ?? '');
        if (!idProperty || !idValue) {
          errors.push(itemError('VALIDATION_ERROR', 'idProperty and id are required', trace));
          continue;
        }
        const existing = find(type, idProperty, idValue)[0];
        if (existing) {
          update(existing, props);
          results.push(view(existing, undefined, { ...extra, new: false }));
        } else {
          const obj = create(type, {
            ...props,
            [idProperty]: idProperty === 'email' ? idValue.toLowerCase() : idValue,
          });
          results.push(view(obj, undefined, { ...extra, new: true }));
        }
      }
      return batchAnswer(
        res.once('finish', () => record(errors.length ? 207 : action === 'create' ? 201 : 200)),
        results,
        errors,
        action === 'create',
      );
    }

    // ---- v3 search -----------------------------------------------------------------------------------------
    m = /^\/crm\/v3\/objects\/([a-z0-9-]+)\/search$/.exec(path);
    if (m && method === 'POST') {
      const type = PLURAL[m[1]!];
      if (!type) return ok(404, error('OBJECT_NOT_FOUND', `Unknown object type ${m[1]}`));
      const groups = (body?.filterGroups ?? []) as {
        filters: { propertyName: string; operator: string; value?: string; values?: string[] }[];
      }[];
      if (groups.length > 5) return ok(400, error('VALIDATION_ERROR', 'At most 5 filterGroups'));
      const matches = (
        o: HubspotObject,
        f: { propertyName: string; operator: string; value?: string; values?: string[] },
      ) => {
        const v = o.properties[f.propertyName];
        switch (f.operator) {
          case 'EQ':
            return (v ?? '').toLowerCase() === String(f.value ?? '').toLowerCase();
          case 'IN':
            return (f.values ?? []).map((x) => String(x).toLowerCase()).includes((v ?? '').toLowerCase());
          case 'HAS_PROPERTY':
            return v !== undefined && v !== '';
          case 'GTE':
          case 'GT': {
            const a = Number.isNaN(Number(v)) ? Date.parse(v ?? '') : Number(v);
            const b = Number.isNaN(Number(f.value)) ? Date.parse(f.value ?? '') : Number(f.value);
            return f.operator === 'GTE' ? a >= b : a > b;
          }
          default:
            return false;
        }
      };
      let all = [...store(type).values()].filter(
        (o) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(o, f))),
      );
      const sort = (body?.sorts as { propertyName: string; direction: string }[] | undefined)?.[0];
      if (sort) {
        const dir = sort.direction === 'DESCENDING' ? -1 : 1;
        all = all.sort(
          (a, b) =>
            (a.properties[sort.propertyName] ?? '').localeCompare(b.properties[sort.propertyName] ?? '') *
              dir || Number(a.id) - Number(b.id),
        );
      }
      const size = Math.min(Number(body?.limit ?? 10), 200);
      const after = Number(body?.after ?? 0);
      const page = all.slice(after, after + size);
      return ok(200, {
        total: all.length,
        results: page.map((o) => view(o, (body?.properties as string[] | undefined) ?? [])),
        ...(after + size < all.length ? { paging: { next: { after: String(after + size) } } } : {}),
      });
    }

    // ---- GDPR delete: the contact goes, and with it every association (HubSpot answers 204) ----------------
    if (path === '/crm/v3/objects/contacts/gdpr-delete' && method === 'POST') {
      const id = String((body as { objectId?: unknown } | undefined)?.objectId ?? '');
      if (!store('contacts').delete(id)) return ok(404, error('OBJECT_NOT_FOUND', 'Object not found'));
      for (const a of [...associations])
        if (a.startsWith(`contacts:${id}->`) || a.endsWith(`->contacts:${id}`)) associations.delete(a);
      record(204);
      return void res.writeHead(204, rateHeaders).end();
    }

    // ---- archive one object (HubSpot answers 204 with no body and moves it to its recycling bin) -------------
    m = /^\/crm\/v3\/objects\/([a-z0-9-]+)\/(\d+)$/.exec(path);
    if (m && method === 'DELETE') {
      const type = PLURAL[m[1]!];
      if (!type || !store(type).delete(m[2]!)) return ok(404, error('OBJECT_NOT_FOUND', 'Object not found'));
      for (const a of [...associations])
        if (a.startsWith(`${type}:${m[2]}->`) || a.endsWith(`->${type}:${m[2]}`)) associations.delete(a);
      record(204);
      return void res.writeHead(204, rateHeaders).end();
    }

    // ---- v4 associations -----------------------------------------------------------------------------------
    m = /^\/crm\/v4\/associations\/([a-z0-9-]+)\/([a-z0-9-]+)\/batch\/create$/.exec(path);
    if (m && method === 'POST') {
      const from = PLURAL[m[1]!];
      const to = PLURAL[m[2]!];
      if (!from || !to) return ok(404, error('OBJECT_NOT_FOUND', 'Unknown object type'));
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const input of (body?.inputs ?? []) as { from: { id: string }; to: { id: string } }[]) {
        const fid = String(input.from.id);
        const tid = String(input.to.id);
        if (!store(from).has(fid) || !store(to).has(tid)) {
          errors.push(
            itemError('OBJECT_NOT_FOUND', 'No such object', undefined, {
              fromObjectId: [fid],
              toObjectId: [tid],
            }),
          );
          continue;
        }
        associate(from, fid, to, tid);
        results.push({
          fromObjectTypeId: TYPE_ID[from],
          fromObjectId: Number(fid),
          toObjectTypeId: TYPE_ID[to],
          toObjectId: Number(tid),
          labels: [],
        });
      }
      return batchAnswer(
        res.once('finish', () => record(errors.length ? 207 : 201)),
        results,
        errors,
        true,
      );
    }
    m = /^\/crm\/v4\/objects\/([a-z0-9-]+)\/(\d+)\/associations\/([a-z0-9-]+)$/.exec(path);
    if (m && method === 'GET') {
      const from = PLURAL[m[1]!];
      const to = PLURAL[m[3]!];
      if (!from || !to) return ok(404, error('OBJECT_NOT_FOUND', 'Unknown object type'));
      return ok(200, {
        results: associated(from, m[2]!, to).map((id) => ({
          toObjectId: Number(id),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 0, label: null }],
        })),
      });
    }
    return ok(404, error('OBJECT_NOT_FOUND', `No route ${method} ${path}`));
  };

  const server = await startServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, error('INTERNAL_ERROR', 'internal error'));
    });
  });

  const duplicates = (): string[] => {
    const out: string[] = [];
    const check = (type: string, keyOf: (o: HubspotObject) => string | undefined) => {
      const seen = new Map<string, number>();
      for (const o of store(type).values()) {
        const k = keyOf(o);
        if (k) seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      for (const [k, n] of seen) if (n > 1) out.push(`${type} ${k} ×${n}`);
    };
    check('companies', (o) => o.properties.domain?.toLowerCase());
    check('contacts', (o) => o.properties.email?.toLowerCase());
    check('deals', (o) => o.properties.lq_lead_id);
    check('notes', (o) => MARKER.exec(o.properties.hs_note_body ?? '')?.[1]);
    check('tasks', (o) => MARKER.exec(o.properties.hs_task_body ?? '')?.[1]);
    check('emails', (o) => MARKER.exec(o.properties.hs_email_text ?? '')?.[1]);
    return out;
  };

  return Object.assign(server, {
    objects,
    associations,
    calls,
    options,
    find,
    duplicates,
    associated: (ft: string, fid: string, tt: string) => associated(PLURAL[ft] ?? ft, fid, PLURAL[tt] ?? tt),
    edit: (type: string, id: string, properties: Record<string, string>) => {
      const obj = store(PLURAL[type] ?? type).get(id);
      if (!obj) throw new Error(`no ${type} ${id}`);
      update(obj, properties);
    },
  });
};
