/**
 * New leads from the leads table's stream, and the qualify queue (the sweeper's re-queued leads) → enrich,
 * score and route each lead, then hand it to drafting.
 */
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { enrichLead } from './agent/enrich';
import { reserveNextBucket } from './agent/pipeline/accept-lead';
import { type QualifyDeps, type QualifyOutcome, qualifyLead } from './agent/pipeline/qualify-lead';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { isStreamEvent, leadMessageHandler, leadStreamHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { createRoundRobin } from './platform/round-robin-dynamodb';
import { shippedRouting } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

const config = commonConfig();
const store = leadStore();
const table = leadsTableName();
const rules = shippedRules();
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

const process = async (leadId: string) => summary(await qualifyLead(leadId, deps));
const fromQueue = leadMessageHandler({ queue: 'qualify', step: 'enrich', store, process });
const fromStream = leadStreamHandler({
  step: 'enrich',
  store,
  onNewLead: async (lead) => {
    await reserveNextBucket(store, lead, config.DEDUP_WINDOW_SECONDS);
  },
  process,
});

export const handler = (event: SQSEvent | DynamoDBStreamEvent, context: Context) =>
  isStreamEvent(event)
    ? fromStream(event as DynamoDBStreamEvent, context)
    : fromQueue(event as SQSEvent, context);
