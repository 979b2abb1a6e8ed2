/**
 * POST /crm/hubspot/webhook and POST /crm/pipedrive/webhook → outcome and erasure events
 * (functions/agent/crm/inbound.ts). Unsigned, stale, replayed or wrongly authenticated requests get 401 and
 * record nothing; a malformed body gets 400 naming the field; a webhook for the CRM this deployment does not
 * use gets 404.
 */
import { type InboundDeps, receiveHubspotWebhook, receivePipedriveWebhook } from './agent/crm/inbound';
import { crmConfig, crmMapping, crmStore } from './platform/crm-wiring';
import { type HttpEvent, httpHandler, json } from './platform/http';
import { logger } from './platform/observability';

const config = crmConfig();
// Cold start: a bad mapping file fails here, naming the field, not on the first webhook.
if (config.CRM !== 'none') crmMapping();

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
  const deps: InboundDeps = {
    mapping: crmMapping(),
    links: store,
    inbox: store,
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
