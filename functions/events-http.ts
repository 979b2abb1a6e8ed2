/**
 * POST /events?source=<name> (public, signed per source): a batch of engagement events, kept once per id with
 * their lead; each lead with new events gets one debounced re-score (functions/agent/pipeline/rescore-lead.ts).
 * POST /signals?source=<name> (same signing): account signals by company domain, applied to every lead of the
 * company (functions/agent/pipeline/account-signals.ts).
 */
import { ingestSignals } from './agent/pipeline/account-signals';
import { ingestEvents, verifiedSource } from './agent/pipeline/rescore-lead';
import { saltedEmailHash } from './agent/privacy/links';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { bodyText, httpHandler, json } from './platform/http';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { privacySecret, privacyStore } from './platform/privacy-settings';

const config = commonConfig();
const deps = {
  store: leadStore(),
  rescoreQueue: leadQueue('rescore'),
  now: () => new Date(),
  // An unsubscribe puts the address on the privacy feature's suppression list (as a salted hash).
  suppress: (email: string) =>
    privacyStore().suppress(saltedEmailHash(privacySecret(), email), {
      reason: 'unsubscribe',
      at: new Date().toISOString(),
      noProfiling: false,
    }),
  parking: {
    get secret() {
      return privacySecret();
    },
    days: config.EVENT_PARKING_DAYS,
  },
};

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const signalDeps = {
  store: deps.store,
  rescoreQueue: deps.rescoreQueue,
  now: deps.now,
  cache: dynamoEnrichmentCache(dynamo, leadsTableName()),
};

export const handler = httpHandler(async (event) => {
  const rawBody = bodyText(event);
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const source = verifiedSource(
    {
      source: event.queryStringParameters?.source,
      rawBody,
      headers: event.headers,
      method: event.requestContext.http.method,
      url: `https://${event.requestContext.domainName}${event.rawPath}${query}`,
    },
    { secrets: config.EVENT_SECRETS, allowUnsigned: config.STAGE === 'local', now: deps.now() },
  );
  if (event.routeKey === 'POST /signals')
    return json(200, await ingestSignals(signalDeps, source, parse(rawBody)));
  return json(200, await ingestEvents(deps, source, parse(rawBody)));
});
