/**
 * Scheduled daily: once a month, draws the false-negative review sample of the previous month (20 leads
 * scored below the sales threshold, at random) into the managers' review queue. Idempotent: the sample's id
 * is the month, so later runs that month find it and draw nothing.
 */
import { drawSample } from './agent/insights/false-negatives';
import { dynamo } from './platform/clients/dynamodb';
import { DynamoFalseNegativeStore } from './platform/false-negative-store-dynamodb';
import { insightsSources } from './platform/insights-wiring';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';

const table = leadsTableName();
const sources = insightsSources(dynamo, table);
const store = new DynamoFalseNegativeStore(dynamo, table);

export const handler = async (): Promise<{ sample: string; created: boolean; leads: number }> => {
  const { sample, created } = await drawSample(
    {
      store,
      leads: () => sources.leadsAndThreshold(),
      now: () => new Date(),
      random: Math.random,
    },
    'monthly',
    'schedule',
  );
  logger.info('Monthly false-negative sample', { id: sample.id, created, leads: sample.leads.length });
  return { sample: sample.id, created, leads: sample.leads.length };
};
