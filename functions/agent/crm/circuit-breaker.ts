/**
 * A circuit breaker per CRM connection: after `failureThreshold` consecutive failures (5xx, timeouts,
 * refused connections) it opens and calls fail fast for `openMs`; then one probe call is let through
 * (half-open): success closes it, failure opens it again for twice as long (up to `maxOpenMs`). Rate limits
 * are not failures: the CRM answered and said when to come back.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  readonly failureThreshold?: number;
  readonly openMs?: number;
  readonly maxOpenMs?: number;
  readonly now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private currentOpenMs: number;
  private probing = false;
  private stateValue: BreakerState = 'closed';
  private readonly threshold: number;
  private readonly baseOpenMs: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.baseOpenMs = options.openMs ?? 30_000;
    this.maxOpenMs = options.maxOpenMs ?? 300_000;
    this.currentOpenMs = this.baseOpenMs;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.stateValue === 'open' && this.now() - this.openedAt >= this.currentOpenMs) return 'half_open';
    return this.stateValue;
  }

  /**
   * Whether a call may go out now; when not, how long until it may. In half-open only one probe at a time.
   */
  admit(): { ok: true } | { ok: false; retryAfterMs: number } {
    const state = this.state;
    if (state === 'closed') return { ok: true };
    if (state === 'open')
      return { ok: false, retryAfterMs: this.currentOpenMs - (this.now() - this.openedAt) };
    if (this.probing) return { ok: false, retryAfterMs: 1_000 };
    this.probing = true;
    this.stateValue = 'half_open';
    return { ok: true };
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.stateValue = 'closed';
    this.currentOpenMs = this.baseOpenMs;
  }

  failure(): void {
    this.failures++;
    if (this.stateValue === 'half_open' || this.probing) {
      this.probing = false;
      this.currentOpenMs = Math.min(this.currentOpenMs * 2, this.maxOpenMs);
      this.open();
      return;
    }
    if (this.failures >= this.threshold) this.open();
  }

  private open(): void {
    this.stateValue = 'open';
    this.openedAt = this.now();
  }
}
