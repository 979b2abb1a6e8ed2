/**
 * HTTP plumbing for API Gateway HTTP API (payload v2) handlers: one middy stack that injects the Lambda
 * context into the logger, maps errors to clear JSON answers (a bad request names the field and is never a
 * 5xx) and adds CORS headers for configured origins.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ZodError } from 'zod';
import { commonConfig } from './config';
import { describeError, logger } from './observability';

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** An error with an HTTP status and, for 4xx, the fields at fault. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

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

export const zodIssues = (error: ZodError): FieldIssue[] =>
  error.issues.map((i) => ({ field: issuePath(i.path), message: i.message }));

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

/** Turns anything thrown into an answer: HttpError/ZodError → 4xx with fields; the rest → 500, logged by class. */
export const errorResponse = (error: unknown, requestId?: string): HttpResult => {
  if (error instanceof HttpError) {
    return json(
      error.status,
      { message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) },
      error.headers,
    );
  }
  if (error instanceof ZodError) {
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
