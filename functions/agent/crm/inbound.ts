/**
 * Inbound: what the CRM tells us back, as domain events recorded once in the `CrmInbox`.
 * - HubSpot webhooks: signature v3 (HMAC-SHA256 of method + URI + body + timestamp, base64; the timestamp
 *   at most 5 minutes old), a verbatim replay of a signed request refused; contact lifecycle stage and lead
 *   status changes, deal stage changes (legacy `contact.propertyChange` / `deal.propertyChange` and generic
 *   `object.propertyChange`), and `contact.privacyDeletion` (erasure).
 * - Pipedrive webhooks v2: HTTP basic auth; `meta` + `data` + `previous`; a deal won/lost (status), moved to
 *   a mapped stage, or created from a lead we synced (lead conversion).
 * Events are keyed by what changed (`<crm>:<object>:<id>:<property>=<value>`), so a webhook retry, a replay
 * and the reconciliation that finds the same change all record it once. Unknown objects are ignored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { verifySignature } from '../intake/signatures';
import type { CrmMapping } from './mapping';
import type { CrmInbox, CrmLinkStore, ReplayGuard } from './port';
import type { CrmInboundEvent, CrmKind, LeadRef, Outcome, OutcomeEvent } from './types';

export interface WebhookRequest {
  readonly method: string;
  /** The full URL the CRM called (HubSpot signs it), e.g. https://api.example.com/crm/hubspot/webhook */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string;
}

export interface WebhookResult {
  readonly status: 200 | 400 | 401;
  readonly message: string;
  /** Field at fault for a 400. */
  readonly field?: string;
  readonly recorded: number;
  readonly duplicates: number;
  readonly ignored: number;
}

export interface InboundDeps {
  readonly mapping: CrmMapping;
  readonly links: Pick<CrmLinkStore, 'findRef' | 'putRef' | 'leadsOfContact'>;
  readonly inbox: CrmInbox;
  readonly replay: ReplayGuard;
  readonly now: () => Date;
}

const unauthorized = (message: string): WebhookResult => ({
  status: 401,
  message,
  recorded: 0,
  duplicates: 0,
  ignored: 0,
});
const badRequest = (error: z.ZodError): WebhookResult => {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'body';
  return {
    status: 400,
    message: `${field}: ${issue?.message ?? 'invalid'}`,
    field,
    recorded: 0,
    duplicates: 0,
    ignored: 0,
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid-json');
  }
};

/** How long a signed request's fingerprint is kept to refuse a replay (the signature's own window + slack). */
const REPLAY_WINDOW_SECONDS = 600;

// ---- mapping CRM values to outcomes -------------------------------------------------------------------------

export const hubspotOutcome = (
  mapping: CrmMapping,
  objectType: 'contact' | 'deal',
  property: string,
  value: string,
): Outcome | undefined => {
  const inbound = mapping.hubspot?.inbound;
  if (!inbound) return undefined;
  if (objectType === 'deal' && property === 'dealstage') return inbound.dealStages[value];
  if (objectType === 'contact' && property === 'lifecyclestage') return inbound.lifecycleStages[value];
  if (objectType === 'contact' && property === 'hs_lead_status') return inbound.leadStatuses[value];
  return undefined;
};

export const outcomeEventId = (
  crm: CrmKind,
  objectType: string,
  id: string,
  property: string,
  value: string,
) => `${crm}:${objectType}:${id}:${property}=${value}`;

const refFor = async (
  deps: InboundDeps,
  crm: CrmKind,
  objectType: LeadRef['objectType'],
  objectId: string,
  leadId?: string,
): Promise<LeadRef> => {
  const known =
    leadId ?? (await deps.links.findRef(crm, objectType === 'person' ? 'contact' : objectType, objectId));
  return { crm, objectType, objectId, ...(known ? { leadId: known } : {}) };
};

const recordAll = async (
  deps: InboundDeps,
  events: CrmInboundEvent[],
  ignored: number,
): Promise<WebhookResult> => {
  let recorded = 0;
  let duplicates = 0;
  for (const event of events) {
    if (await deps.inbox.record(event)) recorded++;
    else duplicates++;
  }
  return { status: 200, message: 'ok', recorded, duplicates, ignored };
};

// ---- HubSpot ------------------------------------------------------------------------------------------------

const HubspotEventSchema = z.object({
  eventId: z.union([z.number(), z.string()]).transform(String),
  subscriptionType: z.string().min(1),
  objectId: z.union([z.number(), z.string()]).transform(String),
  occurredAt: z.number(),
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.union([z.string(), z.number()]).transform(String).optional(),
  portalId: z.number().optional(),
  attemptNumber: z.number().optional(),
  changeSource: z.string().optional(),
});
const HubspotBodySchema = z.array(HubspotEventSchema).max(1000);

export const receiveHubspotWebhook = async (
  request: WebhookRequest,
  deps: InboundDeps & { readonly secret: string },
): Promise<WebhookResult> => {
  const check = verifySignature('hubspot', {
    rawBody: request.rawBody,
    headers: request.headers,
    method: request.method,
    url: request.url,
    secret: deps.secret,
    now: deps.now(),
  });
  if (!check.ok) return unauthorized(`signature: ${check.reason}`);
  const signature = request.headers['x-hubspot-signature-v3'] ?? '';
  const fingerprint = createHash('sha256').update(`hubspot|${signature}`).digest('hex');
  if (!(await deps.replay.firstSeen(fingerprint, REPLAY_WINDOW_SECONDS)))
    return unauthorized('signature: replayed');
  const parsed = HubspotBodySchema.safeParse(parseJson(request.rawBody));
  if (!parsed.success) return badRequest(parsed.error);

  const events: CrmInboundEvent[] = [];
  let ignored = 0;
  for (const e of parsed.data) {
    const at = new Date(e.occurredAt).toISOString();
    const base = { at, source: 'hubspot:webhook', sourceEventId: e.eventId };
    if (e.subscriptionType === 'contact.privacyDeletion') {
      const leadIds = await deps.links.leadsOfContact('hubspot', e.objectId);
      events.push({
        kind: 'erasure',
        leadRef: await refFor(deps, 'hubspot', 'contact', e.objectId, leadIds[0]),
        contactId: e.objectId,
        leadIds,
        eventId: `hubspot:contact:${e.objectId}:privacyDeletion`,
        ...base,
      });
      continue;
    }
    const objectType =
      e.subscriptionType.startsWith('contact.') || e.objectTypeId === '0-1'
        ? 'contact'
        : e.subscriptionType.startsWith('deal.') || e.objectTypeId === '0-3'
          ? 'deal'
          : undefined;
    const isChange = e.subscriptionType.endsWith('.propertyChange');
    if (!objectType || !isChange || !e.propertyName || e.propertyValue === undefined) {
      ignored++;
      continue;
    }
    const outcome = hubspotOutcome(deps.mapping, objectType, e.propertyName, e.propertyValue);
    const leadRef = await refFor(deps, 'hubspot', objectType, e.objectId);
    if (!outcome || !leadRef.leadId) {
      ignored++;
      continue;
    }
    events.push({
      kind: 'outcome',
      leadRef,
      outcome,
      eventId: outcomeEventId('hubspot', objectType, e.objectId, e.propertyName, e.propertyValue),
      detail: `${e.propertyName}=${e.propertyValue}`,
      ...base,
    });
  }
  return recordAll(deps, events, ignored);
};

// ---- Pipedrive ----------------------------------------------------------------------------------------------

const Id = z.union([z.number(), z.string()]).transform(String);
const PipedriveBodySchema = z.object({
  meta: z.object({
    action: z.enum(['create', 'change', 'delete']),
    entity: z.string().min(1),
    entity_id: Id,
    id: Id.optional(),
    timestamp: z.union([z.string(), z.number()]),
    version: z.string().optional(),
    attempt: z.number().optional(),
  }),
  data: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
});

const sameSecret = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
};

/** Checks `authorization: Basic …` against the configured user and password in constant time. */
export const basicAuthOk = (header: string | undefined, user: string, password: string): boolean => {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header?.trim() ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const okUser = sameSecret(decoded.slice(0, colon), user);
  const okPassword = sameSecret(decoded.slice(colon + 1), password);
  return okUser && okPassword;
};

const timestampIso = (value: string | number, fallback: Date): string => {
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isFinite(n)) return new Date(n < 1e12 ? n * 1000 : n).toISOString();
  const parsed = Date.parse(String(value));
  return Number.isFinite(parsed) ? new Date(parsed).toISOString() : fallback.toISOString();
};

export const receivePipedriveWebhook = async (
  request: WebhookRequest,
  deps: InboundDeps & { readonly user: string; readonly password: string },
): Promise<WebhookResult> => {
  if (!basicAuthOk(request.headers.authorization, deps.user, deps.password))
    return unauthorized('basic auth');
  const parsed = PipedriveBodySchema.safeParse(parseJson(request.rawBody));
  if (!parsed.success) return badRequest(parsed.error);
  const { meta, data, previous } = parsed.data;
  const at = timestampIso(meta.timestamp, deps.now());
  const base = { at, source: 'pipedrive:webhook', ...(meta.id ? { sourceEventId: meta.id } : {}) };
  const events = await pipedriveDealEvents(
    deps,
    meta.entity,
    meta.action,
    meta.entity_id,
    data,
    previous ?? null,
    base,
  );
  return recordAll(deps, events, events.length === 0 ? 1 : 0);
};

/** Outcome events of one Pipedrive deal notification (also used by the reconciliation with `previous` = null). */
export const pipedriveDealEvents = async (
  deps: InboundDeps,
  entity: string,
  action: string,
  entityId: string,
  data: Record<string, unknown> | null,
  previous: Record<string, unknown> | null,
  base: { at: string; source: string; sourceEventId?: string },
): Promise<OutcomeEvent[]> => {
  if (entity !== 'deal' || !data) return [];
  const events: OutcomeEvent[] = [];
  const dealId = String(data.id ?? entityId);
  if (action === 'create') {
    // A deal created for the person of a Pipedrive lead we synced: the lead was converted.
    const personId =
      data.person_id === null || data.person_id === undefined ? undefined : String(data.person_id);
    const leadId = personId ? await deps.links.findRef('pipedrive', 'contact', personId) : undefined;
    const pipedriveLead = leadId ? await deps.links.findRef('pipedrive', 'leadOf', leadId) : undefined;
    if (leadId && pipedriveLead) {
      await deps.links.putRef('pipedrive', 'deal', dealId, leadId);
      events.push({
        kind: 'outcome',
        leadRef: { crm: 'pipedrive', objectType: 'lead', objectId: pipedriveLead, leadId },
        outcome: deps.mapping.pipedrive?.inbound.leadConverted ?? 'contacted',
        eventId: `pipedrive:lead:${pipedriveLead}:converted=deal`,
        detail: 'lead converted to deal',
        ...base,
      });
    }
    return events;
  }
  if (action !== 'change') return events;
  const leadRef = await refFor(deps, 'pipedrive', 'deal', dealId);
  if (!leadRef.leadId) return events;
  const status = typeof data.status === 'string' ? data.status : undefined;
  const statusChanged = previous === null || (previous.status !== undefined && previous.status !== status);
  if ((status === 'won' || status === 'lost') && statusChanged) {
    events.push({
      kind: 'outcome',
      leadRef,
      outcome: status,
      ...(status === 'lost' && typeof data.lost_reason === 'string' && data.lost_reason
        ? { reason: data.lost_reason.slice(0, 500) }
        : {}),
      ...(typeof data.value === 'number' ? { value: data.value } : {}),
      eventId: outcomeEventId('pipedrive', 'deal', dealId, 'status', status),
      detail: `status=${status}`,
      ...base,
    });
  }
  const stage = data.stage_id === undefined || data.stage_id === null ? undefined : String(data.stage_id);
  const stageChanged =
    previous === null || (previous.stage_id !== undefined && String(previous.stage_id) !== stage);
  const stageOutcome = stage ? deps.mapping.pipedrive?.inbound.dealStages[stage] : undefined;
  if (stage && stageOutcome && stageChanged && status === 'open') {
    events.push({
      kind: 'outcome',
      leadRef,
      outcome: stageOutcome,
      eventId: outcomeEventId('pipedrive', 'deal', dealId, 'stage_id', stage),
      detail: `stage_id=${stage}`,
      ...base,
    });
  }
  return events;
};
