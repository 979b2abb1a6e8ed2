/**
 * The intake rate limit in memory: a token bucket per key (`source:<provider>`, `client:<ip>`,
 * `spam:<provider>`), holding up to `limitPerMinute` tokens and refilled continuously at that rate. No storage
 * round trip per request. On AWS each Lambda container keeps its own buckets, so the limit a client meets is
 * per container (an approximation that grows with the containers running); API Gateway's stage throttling
 * (infra/) is the hard limit in front of it.
 */
import type { RateLimiter } from '../agent/ports';

interface Bucket {
  tokens: number;
  /** Milliseconds of the last refill. */
  at: number;
}

/** Keys kept at most; the least recently used bucket goes first (a full bucket forgets nothing that matters). */
const MAX_KEYS = 10_000;

export const memoryTokenBuckets = (maxKeys = MAX_KEYS): RateLimiter & { readonly size: () => number } => {
  const buckets = new Map<string, Bucket>();
  return {
    size: () => buckets.size,
    async consume(key, limitPerMinute, now) {
      const ms = now.getTime();
      const perMs = limitPerMinute / 60_000;
      const bucket = buckets.get(key) ?? { tokens: limitPerMinute, at: ms };
      bucket.tokens = Math.min(limitPerMinute, bucket.tokens + Math.max(0, ms - bucket.at) * perMs);
      bucket.at = Math.max(bucket.at, ms);
      // Re-insert: the map's order is the recency order for eviction.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
      };
    },
  };
};
