/**
 * A lead whose qualification fails on the table stream (here: DynamoDB stops answering while the batch is in
 * the function, so the client's request timeouts fire) is retried from the qualify queue a few seconds later —
 * it does not depend on the stream's own few retries, nor wait for the sweeper. The stream event source is
 * given no retries at all, so only the queue can route the lead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamConsumer } from '../local/stream-poller';
import { type PipelineStack, roostrSubmission, startPipelineStack } from './support/pipeline-stack';

/** How long storage hangs once the first stream batch reaches the qualify function. */
const OUTAGE_MS = 8_000;

let p: PipelineStack;
let outages = 0;
beforeAll(async () => {
  const stall = () => {
    outages++;
    void p.stack.faults?.dynamodb.outage('stall', OUTAGE_MS).catch(() => {});
  };
  p = await startPipelineStack({
    faults: true,
    // Long enough for the request timeouts (2 attempts of 3 s) and the error record to finish in the function.
    consumerTimeoutSeconds: 30,
    wrapStreamConsumers: (consumers) =>
      consumers.map(
        (c): StreamConsumer => ({
          ...c,
          retryAttempts: 0,
          handler: (event, context) => {
            if (outages === 0) stall();
            return c.handler(event, context);
          },
        }),
      ),
  });
});
afterAll(async () => {
  await p?.stop();
});

describe('a stream record whose qualification fails', () => {
  it('is routed from the qualify queue shortly after the outage, with the failure on the lead', async () => {
    // Prepare
    const leadId = await p.post(roostrSubmission(p.site.origin));
    // Act
    const lead = await p.waitForLead(leadId, (l) => l.route !== undefined, 90_000);
    // Assess
    expect(outages).toBe(1);
    expect(lead.route?.kind).toBe('owner');
    expect(lead.status).not.toBe('received');
    const streams = (await p.stack.health()).components.streams.consumers as Record<
      string,
      { failed: number; discarded: number }
    >;
    // The stream record itself succeeded: its lead was handed to the queue, nothing was given up.
    expect(Object.values(streams).map((s) => [s.failed, s.discarded])).toEqual([[0, 0]]);
  }, 120_000);
});
