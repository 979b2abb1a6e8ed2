/**
 * Connect and request timeouts for the AWS SDK clients (NodeHttpHandler options). Without them a frozen or
 * unreachable service holds a request until the Lambda itself times out — a 500 without `Retry-After`, even
 * when the work was done. With them a request path fails in a few seconds with a `TimeoutError`, which
 * functions/platform/http.ts answers 503 with `Retry-After`, well inside the function's own timeout.
 */

export interface ClientTimeouts {
  /** Most time to open a connection; a request that never connected was not sent. */
  readonly connectionTimeout: number;
  /** Most time for one request and its response; the SDK retries within `maxAttempts`. */
  readonly requestTimeout: number;
  readonly maxAttempts: number;
}

/**
 * DynamoDB answers in milliseconds; 3 s per attempt leaves room for DynamoDB Local on a busy laptop. Two
 * attempts: the worst case of one call (about 6 s) stays under the 10 s of the HTTP functions.
 */
export const DYNAMODB_TIMEOUTS: ClientTimeouts = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  maxAttempts: 2,
};

/** SQS SendMessage on the intake path: the lead is already stored (the outbox sweeper re-queues it). */
export const SQS_TIMEOUTS: ClientTimeouts = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  maxAttempts: 2,
};

/** SES SendEmail: one attempt (functions/platform/clients/sesv2.ts says why), a longer answer allowed. */
export const SES_TIMEOUTS: ClientTimeouts = {
  connectionTimeout: 2_000,
  requestTimeout: 10_000,
  maxAttempts: 1,
};

/** The client options for these timeouts: `throwOnRequestTimeout`, else a breach is only a logged warning. */
export const clientOptions = (t: ClientTimeouts) => ({
  maxAttempts: t.maxAttempts,
  requestHandler: {
    connectionTimeout: t.connectionTimeout,
    requestTimeout: t.requestTimeout,
    throwOnRequestTimeout: true,
  },
});

/**
 * SQS SendMessage of a CRM sync trigger, at the end of a pipeline step whose own work is done: short, so a
 * queue outage costs the step about three seconds at most (the job is then kept for the CRM outbox sweeper).
 */
export const SQS_NOTICE_TIMEOUTS: ClientTimeouts = {
  connectionTimeout: 500,
  requestTimeout: 1_000,
  maxAttempts: 2,
};
