import type { EnrichmentCache } from './types';

/** In-memory cache with TTL; for tests, the local stack, and a warm Lambda's process-local layer. */
export class InMemoryEnrichmentCache implements EnrichmentCache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 5_000,
  ) {}

  async get(key: string): Promise<unknown | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return structuredClone(hit.value);
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value: structuredClone(value), expiresAt: this.now() + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A cache that answers nothing but still stores: the tools run afresh (a re-qualification) and their new
 * answers replace what was cached.
 */
export const bypassingCache = (cache: EnrichmentCache | undefined): EnrichmentCache | undefined =>
  cache && {
    get: async () => undefined,
    put: (key, value, ttlSeconds) => cache.put(key, value, ttlSeconds),
  };
