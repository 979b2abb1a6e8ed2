/**
 * POST /crm/hubspot/webhook and POST /crm/pipedrive/webhook → outcome and erasure events
 * (functions/agent/crm/inbound.ts), applied once each: outcomes on the lead, erasure requests for a deleted
 * contact (functions/platform/crm-inbound.ts). Unsigned, stale, replayed or wrongly authenticated requests get 401 and
 * record nothing; a malformed body gets 400 naming the field; a webhook for the CRM this deployment does not
 * use gets 404.
 */
import { type InboundDeps, receiveHubspotWebhook, receivePipedriveWebhook } from './agent/crm/inbound';
import type { CrmInbox } from './agent/crm/port';
import type { ErasureEvent } from './agent/crm/types';
import { type ErasureDeps, eraseLead } from './agent/privacy/erasure';
import { dynamo } from './platform/clients/dynamodb';
import { crmInbox } from './platform/crm-inbound';
import { crmConfig, crmMapping, crmPort, crmStore } from './platform/crm-wiring';
import { DynamoErasureStore } from './platform/erasure-store-dynamodb';
import { type HttpEvent, httpHandler, json } from './platform/http';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { privacySecret, privacyStore } from './platform/privacy-settings';
import { shippedPrivacy } from './platform/shipped-privacy';

const config = crmConfig();
// Cold start: a bad mapping file fails here, naming the field, not on the first webhook.
if (config.CRM !== 'none') crmMapping();

/**
 * A privacy deletion in the CRM erases the person here too (every lead of their address, salted suppression
 * kept), before the event is recorded: when erasure fails, the CRM's retry comes back to it.
 */
const eraseFromCrm = async (event: ErasureEvent): Promise<number> => {
  let erased = 0;
  for (const leadId of event.leadIds) {
    const store = privacyStore();
    const record = await store.get(leadId);
    if (!record) continue;
    const deps: ErasureDeps = {
      store,
      jobs: new DynamoErasureStore({ db: dynamo, table: leadsTableName(), now: () => new Date() }),
      // The CRM deleted the event's contact itself; any other contact of the person is erased there too.
      crm: (kind) => {
        const port = crmPort();
        if (port?.kind !== kind) return undefined;
        return {
          eraseContact: (id) => (id === event.contactId ? Promise.resolve() : port.eraseContact(id)),
          eraseRecord: (type, id) => port.eraseRecord(type, id),
        };
      },
      secret: privacySecret(),
      auditRetentionDays: shippedPrivacy().retentionDays.erasureAudit,
      now: () => new Date(),
    };
    await eraseLead(deps, record, { by: event.source, via: 'ops' });
    erased++;
  }
  return erased;
};

export const handler = httpHandler(async (event: HttpEvent) => {
  const path = event.rawPath;
  const crm = path.startsWith('/crm/hubspot/')
    ? 'hubspot'
    : path.startsWith('/crm/pipedrive/')
      ? 'pipedrive'
      : undefined;
  if (!crm || config.CRM !== crm) return json(404, { message: 'Not Found' });
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const rawBody = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const base = config.CRM_WEBHOOK_BASE_URL ?? `https://${event.requestContext.domainName}`;
  const url = `${base.replace(/\/$/, '')}${path}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const store = crmStore();
  // Outcomes go through the outcome use case (functions/platform/crm-inbound.ts); a privacy deletion erases
  // the person here before the event is logged.
  const applying = crmInbox();
  const inbox: CrmInbox = {
    async record(inbound) {
      if (inbound.kind !== 'erasure') return applying.record(inbound);
      const erased = await eraseFromCrm(inbound);
      logger.info('CRM privacy deletion erased here', { crm, leads: erased });
      return store.record(inbound);
    },
  };
  const deps: InboundDeps = {
    mapping: crmMapping(),
    links: store,
    inbox,
    replay: store,
    now: () => new Date(),
  };
  const request = { method: event.requestContext.http.method, url, headers, rawBody };
  const result =
    crm === 'hubspot'
      ? await receiveHubspotWebhook(request, { ...deps, secret: config.HUBSPOT_WEBHOOK_SECRET! })
      : await receivePipedriveWebhook(request, {
          ...deps,
          user: config.PIPEDRIVE_WEBHOOK_USER!,
          password: config.PIPEDRIVE_WEBHOOK_PASSWORD!,
        });
  const { status, message, field, ...counts } = result;
  logger.info('CRM webhook', { crm, status, ...counts });
  if (status === 400) return json(400, { message: 'The request is not valid', issues: [{ field, message }] });
  if (status === 401) return json(401, { message: 'Unauthorized' });
  return json(200, counts);
});
