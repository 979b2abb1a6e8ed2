/**
 * SQS qualify queue → enrich, score and route each lead, then hand it to drafting. The scoring rules, routing
 * and team are the versions ops published (read through a short cache; the shipped files are version 1).
 */
import { enrichLead } from './agent/enrich';
import { type QualifyDeps, type QualifyOutcome, qualifyLead } from './agent/pipeline/qualify-lead';
import type { RoutingSetup } from './agent/route';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { createRoundRobin, type RoundRobin } from './platform/round-robin-dynamodb';
import { publishedConfig } from './platform/shipped-config';

const config = commonConfig();
const store = leadStore();
const table = leadsTableName();
const published = publishedConfig(dynamo, table, config.CONFIG_CACHE_SECONDS);
/** One rotation per published routing/team version (its state lives in the table, not in the object). */
const rotations = new Map<string, RoundRobin>();
const rotationFor = (setup: RoutingSetup): RoundRobin => {
  let rotation = rotations.get(setup.version);
  if (!rotation) {
    rotations.clear();
    rotation = createRoundRobin({ db: dynamo, table, setup });
    rotations.set(setup.version, rotation);
  }
  return rotation;
};
const draftQueue = leadQueue('draft');
const enrichDeps = {
  cache: dynamoEnrichmentCache(dynamo, table),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  ...(config.KVK_API_URL && config.KVK_API_KEY
    ? { kvk: { baseUrl: config.KVK_API_URL, apiKey: config.KVK_API_KEY } }
    : {}),
};

const crm = crmNotifier();

const depsNow = async (): Promise<QualifyDeps> => {
  const [rules, routing] = await Promise.all([published.publishedRules(), published.publishedRouting()]);
  const rotation = rotationFor(routing);
  return {
    store,
    enrich: (lead) => enrichLead(lead, enrichDeps, { timeoutMs: config.ENRICH_TOOL_TIMEOUTS_MS }),
    rules,
    routing,
    assign: (input) => rotation.assignOwner(input),
    draftQueue,
    crm,
    now: () => new Date(),
    clock: () => performance.now(),
  };
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
  process: async (leadId) => summary(await qualifyLead(leadId, await depsNow())),
});
