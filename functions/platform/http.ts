/**
 * HTTP plumbing for API Gateway HTTP API (payload v2) handlers: one middy stack that injects the Lambda
 * context into the logger, maps errors to clear JSON answers (a bad request names the field and is never a
 * 5xx) and adds CORS headers for configured origins. The one place where a `DomainError` becomes a status
 * code, and where request bodies and path ids are read.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { DomainError, type DomainErrorKind, type FieldIssue } from '../agent/errors';
import { LEAD_ID_PATTERN } from '../agent/lead-record';
import { commonConfig } from './config';
import { describeError, logger } from './observability';

export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      jwt?: { claims: Record<string, string | number | boolean | string[]>; scopes?: string[] };
    };
  };
};

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** Dotted path of a zod issue, e.g. `person.email` or `fields[2].value`. */
export const issuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  ) || 'body';

export const zodIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((i) => ({ field: issuePath(i.path), message: i.message }));

/** The status code of each kind of domain refusal: the only such table. */
export const STATUS_OF: Readonly<Record<DomainErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  too_many: 429,
  unavailable: 503,
};

const issuesBody = (issues: readonly FieldIssue[]) =>
  issues.length ? { issues: issues.map(({ field, message }) => ({ field, message })) } : {};

const NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** An SDK request that timed out or lost its connection (no service answer, so no `$metadata` status). */
export const isTimeoutOrConnectionError = (error: unknown): boolean => {
  const e = error as { name?: unknown; code?: unknown } | undefined;
  return (
    !!e &&
    typeof e === 'object' &&
    (e.name === 'TimeoutError' || (typeof e.code === 'string' && NETWORK_CODES.has(e.code)))
  );
};

/** Turns anything thrown into an answer: DomainError/ZodError → 4xx with fields; the rest → 5xx, logged by class. */
export const errorResponse = (error: unknown, requestId?: string): HttpResult => {
  if (error instanceof DomainError) {
    logger.info('Request refused', { kind: error.kind, fields: error.issues.map((i) => i.field) });
    return json(
      STATUS_OF[error.kind],
      { message: error.message, ...issuesBody(error.issues) },
      error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {},
    );
  }
  if (error instanceof z.ZodError) {
    return json(400, { message: 'The request is not valid', issues: zodIssues(error) });
  }
  logger.error('Unhandled error', { error: describeError(error) });
  // Storage or queue too slow or unreachable (the SDK clients' timeouts, functions/platform/clients/timeouts.ts):
  // the request may or may not have been applied, and the client should retry (intake retries are deduplicated).
  if (isTimeoutOrConnectionError(error)) {
    return json(
      503,
      { message: 'Temporarily unavailable: storage did not answer in time; please try again', requestId },
      { 'retry-after': '5' },
    );
  }
  // An AWS service error (storage or queue unavailable): nothing was accepted, the client should retry.
  if (error && typeof error === 'object' && '$metadata' in error) {
    return json(
      503,
      { message: 'Temporarily unavailable; nothing was stored, please try again', requestId },
      { 'retry-after': '2' },
    );
  }
  return json(500, { message: 'Something went wrong on our side; please try again', requestId });
};

/** The request body as text (API Gateway base64-encodes binary bodies). */
export const bodyText = (event: HttpEvent): string =>
  event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');

/**
 * The JSON body validated by `schema`: 400 naming `body` when it is not JSON, 400 naming each field at fault
 * when the schema refuses it. An absent body reads as `{}` (actions whose every field is optional).
 */
export const jsonBody = <S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> => {
  const text = bodyText(event);
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new DomainError('invalid', 'The body must be JSON', {
        issues: [{ field: 'body', message: 'not JSON' }],
      });
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new DomainError('invalid', 'The request is not valid', { issues: zodIssues(parsed.error) });
  return parsed.data;
};

/** The `{id}` path parameter as a lead id (a ULID): 400 naming `id` otherwise. */
export const leadIdParam = (event: HttpEvent): string => {
  const id = event.pathParameters?.id ?? '';
  if (!LEAD_ID_PATTERN.test(id))
    throw new DomainError('invalid', 'Not a lead id', {
      issues: [{ field: 'id', message: 'expected a 26-character ULID' }],
    });
  return id;
};

const corsHeaders = (origin: string | undefined): Record<string, string> => {
  if (!origin) return {};
  const allowed = commonConfig().ALLOWED_ORIGINS;
  if (!allowed.includes('*') && !allowed.includes(origin)) return {};
  // No allow-credentials: the API takes a bearer token in Authorization, never cookies.
  return { 'access-control-allow-origin': origin, vary: 'origin' };
};

/** Answers a CORS preflight (the HTTP API does this on AWS; the local gateway forwards OPTIONS here). */
export const preflight = (event: HttpEvent): HttpResult | undefined => {
  if (event.requestContext.http.method !== 'OPTIONS') return undefined;
  const headers = corsHeaders(event.headers.origin);
  return {
    statusCode: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'content-type,authorization,x-signature',
      'access-control-max-age': '600',
    },
  };
};

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Wraps a handler: logger context, error mapping, CORS. The handler only wires parse → domain → answer. */
export const httpHandler = (fn: Handler) =>
  middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const early = preflight(event);
      let result: HttpResult;
      try {
        result = early ?? (await fn(event, context));
      } catch (error) {
        result = errorResponse(error, context.awsRequestId);
      }
      return { ...result, headers: { ...(result.headers ?? {}), ...corsHeaders(event.headers.origin) } };
    });
