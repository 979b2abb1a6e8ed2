/**
 * POST /leads (public): accept a webform submission in any supported shape, store it durably with one
 * conditional write (its id is its exactly-once guard; the table's stream hands it to qualification) and
 * answer in milliseconds.
 */
import { receiveSubmission } from './agent/pipeline/accept-lead';
import { commonConfig } from './platform/config';
import { httpHandler, json } from './platform/http';
import { leadStore } from './platform/leads-table';
import { logger } from './platform/observability';
import { memoryTokenBuckets } from './platform/rate-limit-memory';
import { shippedIntakeSettings } from './platform/shipped-intake';
import { shippedPrivacy } from './platform/shipped-privacy';

const config = commonConfig();
const baseSettings = shippedIntakeSettings();
const deps = {
  store: leadStore(),
  rateLimiter: memoryTokenBuckets(),
  settings: {
    ...baseSettings,
    allowedRedirectOrigins: [...baseSettings.allowedRedirectOrigins, ...config.REDIRECT_ORIGINS],
  },
  secrets: config.INTAKE_SECRETS,
  requireSignature: config.INTAKE_REQUIRE_SIGNATURE,
  rates: {
    perSource: config.INTAKE_RATE_PER_MINUTE,
    perClient: config.INTAKE_CLIENT_RATE_PER_MINUTE,
    spamPerSource: config.INTAKE_SPAM_RATE_PER_MINUTE,
  },
  dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
  clock: () => performance.now(),
  privacy: shippedPrivacy(),
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
      clientIp: event.requestContext.http.sourceIp,
    },
    deps,
  );
  logger.info('Lead accepted', { leadId: answer.leadId, provider: answer.provider, answer: answer.kind });
  if (answer.kind === 'redirect')
    return { statusCode: 303, headers: { location: answer.location }, body: '' };
  const { leadId, status, duplicate, message } = answer;
  return json(202, { leadId, status, ...(duplicate ? { duplicate: true } : {}), message });
});
