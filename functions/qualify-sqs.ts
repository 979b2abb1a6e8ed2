/**
 * SQS qualify queue → enrich, score and route each lead, then hand it to drafting. The scoring rules, routing
 * and team are the versions ops published (read through a short cache; the shipped files are version 1).
 * The leads come from the leads table's stream (new leads) and the qualify queue (the sweeper's re-queued
 * leads, and the daily job's `requalify` messages: an old nurtured lead enriched afresh and re-scored).
 */
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { withAccountIntent } from './agent/account-signals';
import { embeddedIntentSignals, enrichLead } from './agent/enrich';
import { bypassingCache } from './agent/enrich/cache';
import { reserveNextBucket } from './agent/pipeline/accept-lead';
import { LeadMessageSchema } from './agent/pipeline/lead-message';
import { type QualifyDeps, type QualifyOutcome, qualifyLead } from './agent/pipeline/qualify-lead';
import { requalifyLead } from './agent/pipeline/requalify-lead';
import { attachParkedEvents, type ParkingDeps } from './agent/pipeline/rescore-lead';
import { objectsToProfiling } from './agent/privacy/rights';
import type { RoutingSetup } from './agent/route';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { dynamoEnrichmentCache } from './platform/enrichment-cache-dynamodb';
import { isStreamEvent, leadMessageHandler, leadStreamHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { privacyStore as makePrivacyStore, privacySecret } from './platform/privacy-settings';
import { createRoundRobin, type RoundRobin } from './platform/round-robin-dynamodb';
import { publishedConfig } from './platform/shipped-config';
import { shippedDispositions } from './platform/shipped-dispositions';
import { shippedFollowUp } from './platform/shipped-follow-up';
import { shippedPrivacy } from './platform/shipped-privacy';

const config = commonConfig();
/** How long a lead that failed on the stream waits in the qualify queue before its next try. */
const STREAM_RETRY_DELAY_SECONDS = 5;
const store = leadStore();
const table = leadsTableName();
const dispositions = shippedDispositions();
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
const privacyStore = makePrivacyStore();
const enrichDeps = {
  cache: dynamoEnrichmentCache(
    dynamo,
    table,
    undefined,
    shippedPrivacy().retentionDays.enrichmentCache * 86_400,
  ),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  jobBoards: {
    ...(config.JOB_BOARD_GREENHOUSE_URL ? { greenhouse: config.JOB_BOARD_GREENHOUSE_URL } : {}),
    ...(config.JOB_BOARD_LEVER_URL ? { lever: config.JOB_BOARD_LEVER_URL } : {}),
    ...(config.JOB_BOARD_RECRUITEE_URL ? { recruitee: config.JOB_BOARD_RECRUITEE_URL } : {}),
  },
  // The embedded intent dataset plus the account signals of POST /signals (read beside the other tools).
  intent: withAccountIntent(embeddedIntentSignals(), (domain) => store.accountSignals(domain)),
  ...(config.KVK_API_URL && config.KVK_API_KEY
    ? { kvk: { baseUrl: config.KVK_API_URL, apiKey: config.KVK_API_KEY } }
    : {}),
};

const privacy: QualifyDeps['privacy'] = {
  objectsToProfiling: (email) => objectsToProfiling({ store: privacyStore, secret: privacySecret() }, email),
  routeWithoutScore: (leadId, route, steps) => privacyStore.routeWithoutScore(leadId, route, steps),
};
const crm = crmNotifier();
const parking: ParkingDeps = {
  store,
  rescoreQueue: leadQueue('rescore'),
  get secret() {
    return privacySecret();
  },
  now: () => new Date(),
};

const depsNow = async (): Promise<QualifyDeps> => {
  const [rules, routing] = await Promise.all([published.publishedRules(), published.publishedRouting()]);
  const rotation = rotationFor(routing);
  return {
    store,
    enrich: (lead) => enrichLead(lead, enrichDeps, { timeoutMs: config.ENRICH_TOOL_TIMEOUTS_MS }),
    rules,
    dispositions,
    routing,
    assign: (input) => rotation.assignOwner(input),
    draftQueue,
    crm,
    now: () => new Date(),
    clock: () => performance.now(),
    privacy,
    afterQualify: (record) => attachParkedEvents(parking, record),
  };
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

const process = async (leadId: string) => summary(await qualifyLead(leadId, await depsNow()));

/** Re-qualification: the tools run again without their cache (refilling it), then a re-score from the result. */
const requalify = async (leadId: string) => {
  const rules = await published.publishedRules();
  return requalifyLead(leadId, {
    store,
    rules: () => rules,
    now: () => new Date(),
    qualifyQueue: leadQueue('qualify'),
    crm,
    afterDays: shippedFollowUp().requalify.requalifyAfterDays,
    enrichFresh: (lead) =>
      enrichLead(
        lead,
        { ...enrichDeps, cache: bypassingCache(enrichDeps.cache) },
        { timeoutMs: config.ENRICH_TOOL_TIMEOUTS_MS },
      ),
  });
};

const fromQueue = leadMessageHandler({
  queue: 'qualify',
  step: 'enrich',
  store,
  process: async (leadId, record) => {
    const message = LeadMessageSchema.safeParse(JSON.parse(record.body)).data;
    if (message?.requalify) return requalify(leadId);
    if (message?.reserve) {
      // The retry of a stream record that failed before the new lead's dedup reservation was made.
      const lead = await store.get(leadId);
      if (lead) await reserveNextBucket(store, lead, config.DEDUP_WINDOW_SECONDS);
    }
    return process(leadId);
  },
});
const fromStream = leadStreamHandler({
  step: 'enrich',
  store,
  onNewLead: async (lead) => {
    await reserveNextBucket(store, lead, config.DEDUP_WINDOW_SECONDS);
  },
  process,
  // A lead that failed here (e.g. a storage timeout under load) is tried again from the qualify queue a few
  // seconds later, with that queue's redelivery and DLQ, instead of waiting for the sweeper.
  retry: { queue: leadQueue('qualify'), delaySeconds: STREAM_RETRY_DELAY_SECONDS },
});

export const handler = (event: SQSEvent | DynamoDBStreamEvent, context: Context) =>
  isStreamEvent(event)
    ? fromStream(event as DynamoDBStreamEvent, context)
    : fromQueue(event as SQSEvent, context);
