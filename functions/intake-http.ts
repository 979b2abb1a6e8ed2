/**
 * POST /leads (public): accept a webform submission in any supported shape, store it durably with its
 * exactly-once guard, queue it for qualification and answer in milliseconds.
 */
import { ulid } from 'ulid';
import { receiveSubmission } from './agent/pipeline/accept-lead';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { httpHandler, json } from './platform/http';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { describeError, logger } from './platform/observability';
import { dynamoRateLimiter } from './platform/rate-limit-dynamodb';
import { shippedIntakeSettings } from './platform/shipped-intake';
import { shippedPrivacy } from './platform/shipped-privacy';

const config = commonConfig();
const baseSettings = shippedIntakeSettings();
const deps = {
  store: leadStore(),
  qualifyQueue: leadQueue('qualify'),
  rateLimiter: dynamoRateLimiter(dynamo, leadsTableName()),
  settings: {
    ...baseSettings,
    allowedRedirectOrigins: [...baseSettings.allowedRedirectOrigins, ...config.REDIRECT_ORIGINS],
  },
  secrets: config.INTAKE_SECRETS,
  ratePerMinute: config.INTAKE_RATE_PER_MINUTE,
  newLeadId: ulid,
  dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
  clock: () => performance.now(),
  privacy: shippedPrivacy(),
  onEnqueueFailure: (leadId: string, error: unknown) =>
    logger.warn('Enqueue failed; the outbox sweeper will queue the lead', {
      leadId,
      error: describeError(error),
    }),
};

export const handler = httpHandler(async (event) => {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const answer = await receiveSubmission(
    {
      body: event.body ?? '',
      isBase64Encoded: event.isBase64Encoded,
      headers: event.headers,
      query: event.queryStringParameters ?? {},
      method: event.requestContext.http.method,
      path: event.rawPath,
      url: `https://${event.requestContext.domainName}${event.rawPath}${query}`,
      receivedAt: new Date(),
    },
    deps,
  );
  logger.info('Lead accepted', { leadId: answer.leadId, provider: answer.provider, answer: answer.kind });
  if (answer.kind === 'redirect')
    return { statusCode: 303, headers: { location: answer.location }, body: '' };
  const { leadId, status, duplicate, message } = answer;
  return json(202, { leadId, status, ...(duplicate ? { duplicate: true } : {}), message });
});
