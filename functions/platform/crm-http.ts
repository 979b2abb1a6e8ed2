/**
 * JSON over HTTP for the CRM adapters, with the limits and faults handled in one place:
 * - rate limits: a 429 waits as long as the CRM says (`Retry-After`, the CRM's own hint via `rateLimit`),
 *   else backs off exponentially with full jitter; a budget header saying zero requests are left
 *   (`x-ratelimit-remaining: 0`) holds the next request until the window resets;
 * - 5xx, timeouts and refused connections are retried with backoff — but a request that may have been
 *   processed (a create that timed out) is only retried when it is idempotent;
 * - a circuit breaker stops calls to a CRM that keeps failing;
 * - anything that does not succeed within the inline budget becomes a `CrmError` the caller turns into a
 *   later retry of the whole job (nothing is lost).
 * Logs nothing itself; errors carry status and class, never bodies (which may hold personal data).
 */
import { CircuitBreaker } from '../agent/crm/circuit-breaker';
import { CrmError } from '../agent/crm/port';

export interface RateLimitHint {
  /** How long to wait before the next call (ms); undefined: use backoff. */
  readonly retryAfterMs?: number;
  /** A long limit (a daily budget): do not wait inline, hand the job back. */
  readonly long?: boolean;
}

export interface CrmHttpOptions {
  readonly baseUrl: string;
  readonly headers: () => Record<string, string>;
  /** Reads the CRM's rate-limit answer (429 body and headers). */
  readonly rateLimit?: (status: number, headers: Headers, body: unknown) => RateLimitHint;
  /** After every answer: how long to hold the next request (a budget header at zero), or 0. */
  readonly holdAfter?: (headers: Headers) => number;
  readonly maxAttempts?: number;
  /** Waits longer than this are not done inline. */
  readonly maxInlineWaitMs?: number;
  readonly timeoutMs?: number;
  readonly breaker?: CircuitBreaker;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
}

export interface CrmRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** Safe to send twice (reads, searches, upserts on a unique key). Creates are not. */
  readonly idempotent: boolean;
}

export interface CrmResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface CrmHttpStats {
  calls: number;
  rateLimited: number;
  retries: number;
  failures: number;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CrmHttp {
  readonly breaker: CircuitBreaker;
  readonly stats: CrmHttpStats = { calls: 0, rateLimited: 0, retries: 0, failures: 0 };
  private holdUntil = 0;
  private readonly maxAttempts: number;
  private readonly maxInlineWaitMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: CrmHttpOptions) {
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 12_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? sleeper;
    this.random = options.random ?? Math.random;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
  backoffMs(attempt: number): number {
    return Math.round(this.random() * Math.min(8_000, 250 * 2 ** attempt));
  }

  async send<T = unknown>(request: CrmRequest): Promise<CrmResponse<T>> {
    let lastError: CrmError | undefined;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const hold = this.holdUntil - Date.now();
      if (hold > 0) {
        if (hold > this.maxInlineWaitMs)
          throw new CrmError('rate limit budget exhausted', 'rate_limited', 429, hold);
        await this.sleep(hold);
      }
      const admitted = this.breaker.admit();
      if (!admitted.ok) {
        throw new CrmError(
          'circuit open: the CRM kept failing',
          'unavailable',
          undefined,
          admitted.retryAfterMs,
        );
      }
      let response: Response;
      this.stats.calls++;
      try {
        response = await this.fetchFn(this.url(request), {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...this.options.headers(),
          },
          body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        this.breaker.failure();
        this.stats.failures++;
        const refused = connectionRefused(error);
        lastError = new CrmError(
          refused ? 'connection refused' : `no answer (${errorName(error)})`,
          'unavailable',
        );
        // A refused connection sent nothing; anything else may have reached the CRM.
        if (!refused && !request.idempotent) throw lastError;
        await this.retryPause(attempt);
        continue;
      }
      const body = await readBody(response);
      const holdMs = this.options.holdAfter?.(response.headers) ?? 0;
      if (holdMs > 0) this.holdUntil = Math.max(this.holdUntil, Date.now() + holdMs);
      if (response.status >= 500) {
        this.breaker.failure();
        this.stats.failures++;
        lastError = new CrmError(
          `server error ${response.status}`,
          'unavailable',
          response.status,
          retryAfter(response.headers),
        );
        if (!request.idempotent) throw lastError;
        await this.retryPause(attempt, retryAfter(response.headers));
        continue;
      }
      this.breaker.success();
      if (response.status === 429) {
        this.stats.rateLimited++;
        const hint = this.options.rateLimit?.(429, response.headers, body) ?? {};
        const waitMs = hint.retryAfterMs ?? retryAfter(response.headers) ?? this.backoffMs(attempt);
        lastError = new CrmError('rate limited', 'rate_limited', 429, waitMs);
        if (hint.long || waitMs > this.maxInlineWaitMs) throw lastError;
        this.holdUntil = Math.max(this.holdUntil, Date.now() + waitMs);
        this.stats.retries++;
        continue;
      }
      if (response.status === 409) {
        throw new CrmError(describe(body) ?? 'conflict', 'conflict', 409);
      }
      if (response.status >= 400 && response.status !== 404) {
        throw new CrmError(describe(body) ?? `rejected ${response.status}`, 'rejected', response.status);
      }
      return { status: response.status, body: body as T };
    }
    throw lastError ?? new CrmError('gave up', 'unavailable');
  }

  private async retryPause(attempt: number, hintMs?: number): Promise<void> {
    if (attempt + 1 >= this.maxAttempts) return;
    this.stats.retries++;
    const wait = hintMs ?? this.backoffMs(attempt);
    await this.sleep(Math.min(wait, this.maxInlineWaitMs));
  }

  private url(request: CrmRequest): string {
    const url = new URL(request.path, this.options.baseUrl);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }
}

/** `Retry-After` as milliseconds (seconds or an HTTP date), or undefined. */
export const retryAfter = (headers: Headers): number | undefined => {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
};

const readBody = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The CRM's error category/code (never its message: it can echo the values we sent). */
const describe = (body: unknown): string | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const parts = [b.category, b.subCategory, b.errorType, b.code, b.error_info ? 'pipedrive' : undefined]
    .filter((p) => typeof p === 'string' && p.length > 0)
    .map(String);
  return parts.length ? parts.join(' ') : undefined;
};

const errorName = (error: unknown): string =>
  error instanceof Error ? (error.name === 'TimeoutError' ? 'timeout' : error.name) : 'unknown';

const connectionRefused = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
};
