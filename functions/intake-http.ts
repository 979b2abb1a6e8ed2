/**
 * POST /leads (public): accept a webform submission in any supported shape, store it durably with its
 * exactly-once guard, queue it for qualification and answer in milliseconds.
 */
import { ulid } from 'ulid';
import { resolveBundledFile } from './agent/bundled-file';
import type { Issue, ParseSuccess } from './agent/intake';
import { contentHash, parseSubmission, readIntakeSettingsFile, verifySignature } from './agent/intake';
import type { Language } from './agent/lead';
import { acceptLead } from './agent/pipeline/accept-lead';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { HttpError, httpHandler, json } from './platform/http';
import { leadStore, leadsTableName } from './platform/leads-table';
import { describeError, logger } from './platform/observability';
import { queue } from './platform/queues';
import { consumeRate } from './platform/rate-limit-dynamodb';

const config = commonConfig();
const baseSettings = readIntakeSettingsFile(
  resolveBundledFile('config/intake.yaml', process.env.INTAKE_FILE),
);
const settings = {
  ...baseSettings,
  allowedRedirectOrigins: [...baseSettings.allowedRedirectOrigins, ...config.REDIRECT_ORIGINS],
};
const store = leadStore();
const qualifyQueue = queue('qualify');
const table = leadsTableName();
/** Provider submission ids are remembered for 30 days: a webhook retried days later is still one lead. */
const SUBMISSION_ID_WINDOW_SECONDS = 30 * 24 * 3600;

const THANKS: Record<Language, string> = {
  en: 'Thank you — we received your request and will get back to you shortly.',
  nl: 'Bedankt — we hebben je aanvraag ontvangen en nemen snel contact met je op.',
};

const localised = (issues: readonly Issue[], language: string | undefined) =>
  issues.map((i) => ({ field: i.field, message: language === 'nl' ? i.messageNl : i.message }));

const requestLanguage = (acceptLanguage: string | undefined) =>
  acceptLanguage?.toLowerCase().startsWith('nl') ? 'nl' : 'en';

export const handler = httpHandler(async (event) => {
  const receivedAt = new Date();
  const headers = event.headers as Record<string, string | undefined>;
  const parsed = await parseSubmission(
    {
      body: event.body ?? '',
      isBase64Encoded: event.isBase64Encoded,
      headers,
      query: (event.queryStringParameters ?? {}) as Record<string, string | undefined>,
      method: event.requestContext.http.method,
      path: event.rawPath,
      receivedAt,
    },
    settings,
  );
  if (!parsed.ok) {
    logger.info('Submission refused', { status: parsed.status, fields: parsed.issues.map((i) => i.field) });
    throw new HttpError(
      parsed.status,
      parsed.error,
      localised(parsed.issues, requestLanguage(headers['accept-language'])),
    );
  }
  const language = parsed.lead.language;

  const secret = config.INTAKE_SECRETS[parsed.provider];
  if (secret) {
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const verdict = verifySignature(parsed.provider, {
      rawBody: event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? ''),
      headers,
      method: event.requestContext.http.method,
      url: `https://${event.requestContext.domainName}${event.rawPath}${query}`,
      secret,
      now: receivedAt,
    });
    if (!verdict.ok) {
      logger.warn('Signature refused', { provider: parsed.provider, reason: verdict.reason });
      throw new HttpError(401, 'The webhook signature is missing or invalid', [
        { field: 'signature', message: verdict.reason.replaceAll('_', ' ') },
      ]);
    }
  }

  const rate = await consumeRate(dynamo, table, parsed.provider, config.INTAKE_RATE_PER_MINUTE, receivedAt);
  if (!rate.allowed) {
    throw new HttpError(429, 'Too many submissions from this source; please retry shortly', [], {
      'retry-after': String(rate.retryAfterSeconds),
    });
  }

  const result = await acceptLead(
    {
      lead: parsed.lead,
      provider: parsed.provider,
      ...(parsed.submissionId ? { submissionId: parsed.submissionId } : {}),
      dedupKey: dedupKeyOf(parsed),
      ...(parsed.spam ? { spam: parsed.spam } : {}),
      raw: {
        contentType: headers['content-type'] ?? '',
        body: event.body ?? '',
        isBase64Encoded: event.isBase64Encoded,
      },
      receivedAt,
    },
    {
      store,
      qualifyQueue,
      newLeadId: ulid,
      dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
      submissionIdWindowSeconds: SUBMISSION_ID_WINDOW_SECONDS,
      clock: () => performance.now(),
      onEnqueueFailure: (leadId, error) =>
        logger.warn('Enqueue failed; the outbox sweeper will queue the lead', {
          leadId,
          error: describeError(error),
        }),
    },
  );
  logger.info('Lead accepted', {
    leadId: result.leadId,
    provider: parsed.provider,
    duplicate: result.duplicate,
    status: result.status,
  });

  if (parsed.redirectTo) return { statusCode: 303, headers: { location: parsed.redirectTo }, body: '' };
  return json(202, {
    leadId: result.leadId,
    status: result.status,
    ...(result.duplicate ? { duplicate: true } : {}),
    message: THANKS[language],
  });
});

/** Provider id when there is one; else the content hash, whose window the store enforces exactly. */
const dedupKeyOf = (parsed: ParseSuccess): string =>
  parsed.submissionId ? `${parsed.provider}:${parsed.submissionId}` : `content:${contentHash(parsed.lead)}`;
