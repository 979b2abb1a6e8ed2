/** SQS qualify queue → enrich, score and route each lead, then hand it to drafting. */
import { enrichLead } from './agent/enrich';
import { type QualifyDeps, type QualifyOutcome, qualifyLead } from './agent/pipeline/qualify-lead';
import { objectsToProfiling } from './agent/privacy/rights';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { privacyStore as makePrivacyStore, privacySecret } from './platform/privacy-settings';
import { createRoundRobin } from './platform/round-robin-dynamodb';
import { shippedPrivacy } from './platform/shipped-privacy';
import { shippedRouting } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

const config = commonConfig();
const store = leadStore();
const table = leadsTableName();
const rules = shippedRules();
const routing = shippedRouting();
const rotation = createRoundRobin({ db: dynamo, table, setup: routing });
const draftQueue = leadQueue('draft');
const privacyStore = makePrivacyStore();
const enrichDeps = {
  cache: dynamoEnrichmentCache(
    dynamo,
    table,
    undefined,
    shippedPrivacy().retentionDays.enrichmentCache * 86_400,
  ),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  ...(config.KVK_API_URL && config.KVK_API_KEY
    ? { kvk: { baseUrl: config.KVK_API_URL, apiKey: config.KVK_API_KEY } }
    : {}),
};

const deps: QualifyDeps = {
  store,
  enrich: (lead) => enrichLead(lead, enrichDeps),
  rules,
  routing,
  assign: (input) => rotation.assignOwner(input),
  draftQueue,
  now: () => new Date(),
  clock: () => performance.now(),
  privacy: {
    objectsToProfiling: (email) =>
      objectsToProfiling({ store: privacyStore, secret: privacySecret() }, email),
    routeWithoutScore: (leadId, route, steps) => privacyStore.routeWithoutScore(leadId, route, steps),
  },
};

/** What the log shows of a qualification: the outcome with tier, total and owner (ids and numbers only). */
const summary = (result: QualifyOutcome) =>
  result.outcome === 'skipped'
    ? result
    : result.outcome === 'unscored'
      ? { outcome: result.outcome, ownerId: result.route.ownerId }
      : {
          outcome: result.outcome,
          tier: result.score.tier,
          total: result.score.total,
          ownerId: result.route.ownerId,
        };

export const handler = leadMessageHandler({
  queue: 'qualify',
  step: 'enrich',
  store,
  process: async (leadId) => summary(await qualifyLead(leadId, deps)),
});
