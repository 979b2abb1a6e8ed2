/** SQS qualify queue → enrich, score and route each lead, then hand it to drafting. */
import { enrichLead } from './agent/enrich';
import { type QualifyDeps, type QualifyOutcome, qualifyLead } from './agent/pipeline/qualify-lead';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { createRoundRobin } from './platform/round-robin-dynamodb';
import { shippedDispositions } from './platform/shipped-dispositions';
import { shippedRouting } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

const config = commonConfig();
const store = leadStore();
const table = leadsTableName();
const rules = shippedRules();
const dispositions = shippedDispositions();
const routing = shippedRouting();
const rotation = createRoundRobin({ db: dynamo, table, setup: routing });
const draftQueue = leadQueue('draft');
const enrichDeps = {
  cache: dynamoEnrichmentCache(dynamo, table),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  ...(config.KVK_API_URL && config.KVK_API_KEY
    ? { kvk: { baseUrl: config.KVK_API_URL, apiKey: config.KVK_API_KEY } }
    : {}),
};

const deps: QualifyDeps = {
  store,
  enrich: (lead) => enrichLead(lead, enrichDeps),
  rules,
  dispositions,
  routing,
  assign: (input) => rotation.assignOwner(input),
  draftQueue,
  now: () => new Date(),
  clock: () => performance.now(),
};

/** What the log shows of a qualification: the outcome with tier, total and owner (ids and numbers only). */
const summary = (result: QualifyOutcome) =>
  result.outcome === 'skipped'
    ? result
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
