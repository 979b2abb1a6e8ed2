/**
 * The one call parked events add to a qualification: after the hand-over, the qualify step asks for the events
 * parked under the lead's address (one DynamoDB query, nothing parked in the common case). Measured on the
 * in-process local stack against a GetItem of the lead as the floor, p50/p95 over 300 calls each, interleaved.
 * Run: `npm run bench:parking`. Writes bench/results/parking.json. Figures vary by machine and load.
 */
import { ulid } from 'ulid';
import type { LeadRecord } from '../functions/agent/lead-record';
import { sampleEnrichment, sampleLead, sampleScore } from '../functions/agent/testing/samples';
import { startLocalStack } from '../local/start';
import { writeResult } from './support/report';
import { summarize } from './support/stats';

const CALLS = 300;
const stack = await startLocalStack({
  dataDir: null,
  port: 0,
  emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
  log: () => {},
  env: { LOG_LEVEL: 'ERROR' },
});
try {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
  const { attachParkedEvents } = await import('../functions/agent/pipeline/rescore-lead');
  const table = stack.env.LEADS_TABLE as string;
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.endpoints.dynamodb,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const store = new DynamoLeadStore(dynamo, table);
  const leadId = ulid();
  const record: LeadRecord = {
    leadId,
    status: 'routed',
    receivedAt: new Date().toISOString(),
    provider: 'json',
    dedupKey: leadId,
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    steps: {},
  };
  await dynamo.send(
    new PutCommand({ TableName: table, Item: { pk: `LEAD#${leadId}`, sk: 'LEAD', ...record } }),
  );
  const parking = {
    store,
    rescoreQueue: { send: async () => {} },
    secret: 'bench-privacy-secret-0123456789abcdef-0001',
    now: () => new Date(),
  };
  const lookup: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < CALLS + 20; i++) {
    const t0 = performance.now();
    await attachParkedEvents(parking, record);
    const t1 = performance.now();
    await store.get(leadId);
    const t2 = performance.now();
    // The first 20 of each warm up the connection.
    if (i >= 20) {
      lookup.push(t1 - t0);
      floor.push(t2 - t1);
    }
  }
  const parked = summarize(lookup);
  const get = summarize(floor);
  const result = {
    calls: CALLS,
    parkedLookupMs: parked,
    leadGetItemMs: get,
    ratioP50: Math.round((parked.p50 / get.p50) * 100) / 100,
  };
  writeResult('parking', result);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await stack.stop();
}
