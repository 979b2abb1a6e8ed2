/**
 * The insights API (JWT; managers and ops):
 * - GET /insights/data: speed to lead, qualification → meeting per tier and rules version, the funnel, tier
 *   and disposition mix, per-rule effects, drift and the latest false-negative review — computed from the
 *   routed leads, read through the `byOwner` index (one query per person, never a table scan; cost in
 *   functions/platform/lead-store-history.ts);
 * - GET /insights/false-negatives: the review samples, newest first, each with its flagged share;
 * - POST /insights/false-negatives: draw 20 leads below the sales threshold now (last 30 days);
 * - POST /insights/false-negatives/{id}/answers: `{ leadId, shouldHaveGoneToSales, note? }`.
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { answerReview, drawSample, summarize } from './agent/insights/false-negatives';
import { computeInsights } from './agent/insights/insights';
import { conditionFacts, deriveFacts } from './agent/score';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { DynamoFalseNegativeStore } from './platform/false-negative-store-dynamodb';
import { httpHandler, json, jsonBody } from './platform/http';
import { insightsSources } from './platform/insights-wiring';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';

const table = leadsTableName();
const sources = insightsSources(dynamo, table);
const reviews = new DynamoFalseNegativeStore(dynamo, table);
const Weeks = z.coerce.number().int().min(1).max(104).default(12);
const AnswerSchema = z.object({
  leadId: z.string().min(1).max(64),
  shouldHaveGoneToSales: z.boolean(),
  note: z.string().trim().max(500).optional(),
});
const ANSWERS_PATH = /^\/insights\/false-negatives\/([^/]+)\/answers$/;

const withSummary = <T extends Parameters<typeof summarize>[0]>(sample: T) => ({
  ...sample,
  summary: summarize(sample),
});

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'manager' && who.role !== 'ops')
    throw new DomainError('forbidden', 'Insights are for managers and ops');
  const route = `${event.requestContext.http.method} ${event.rawPath}`;
  if (route === 'GET /insights/data') {
    const weeks = Weeks.safeParse(event.queryStringParameters?.weeks);
    if (!weeks.success)
      throw new DomainError('invalid', 'weeks must be a whole number from 1 to 104', { field: 'weeks' });
    const [{ records, qualifiedFrom, owners }, samples] = await Promise.all([
      sources.leadsAndThreshold(),
      reviews.listSamples(1),
    ]);
    const rules = (await sources.publishedRules()).file;
    const insights = computeInsights(records, {
      now: new Date(),
      weeks: weeks.data,
      qualifiedFrom,
      facts: {
        of: (r) =>
          r.enrichment && r.score
            ? deriveFacts(r.lead, r.enrichment, new Date(r.score.scoredAt), rules.settings, rules.customFacts)
            : undefined,
        names: [...new Set(rules.rules.flatMap((rule) => conditionFacts(rule.when)))],
      },
    });
    logger.info('Insights computed', { leads: insights.leads, owners });
    return json(200, { ...insights, falseNegatives: samples[0] ? withSummary(samples[0]) : null });
  }
  if (route === 'GET /insights/false-negatives')
    return json(200, { samples: (await reviews.listSamples(24)).map(withSummary) });
  if (route === 'POST /insights/false-negatives') {
    const { sample } = await drawSample(
      {
        store: reviews,
        leads: () => sources.leadsAndThreshold(),
        now: () => new Date(),
        random: Math.random,
      },
      'on_demand',
      who.personId,
    );
    logger.info('False-negative sample drawn', {
      id: sample.id,
      leads: sample.leads.length,
      by: who.personId,
    });
    return json(201, withSummary(sample));
  }
  const answers = ANSWERS_PATH.exec(event.rawPath);
  if (answers && event.requestContext.http.method === 'POST') {
    const body = jsonBody(event, AnswerSchema);
    const sample = await answerReview(reviews, {
      sampleId: decodeURIComponent(answers[1]!),
      leadId: body.leadId,
      shouldHaveGoneToSales: body.shouldHaveGoneToSales,
      ...(body.note ? { note: body.note } : {}),
      by: who.personId,
      at: new Date(),
    });
    return json(200, withSummary(sample));
  }
  throw new DomainError('not_found', 'Not found');
});
