/**
 * Ports and shapes shared by the enrichment tools and their runner. Pure TypeScript: the network is reached
 * only through `fetch`-like code in the tools and the injectable DNS functions below; caching goes through
 * the `EnrichmentCache` port (the platform layer supplies a DynamoDB adapter, tests the in-memory one).
 */
import type * as z from 'zod';
import type { IntentSignal } from '../enrichment';
import type { Lead } from '../lead';
import type { CompanyRegistry } from './registry/types';

/** Cache port. Implementations may throw or be slow: the runner then simply skips caching. */
export interface EnrichmentCache {
  get(key: string): Promise<unknown | undefined>;
  put(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

export interface MxRecordLike {
  exchange: string;
  priority: number;
}

export interface LookupAddress {
  address: string;
  family: number;
}

/** DNS functions the tools use; defaults are node:dns/promises. Tests inject a fake object. */
export interface DnsResolver {
  resolveMx(hostname: string): Promise<MxRecordLike[]>;
  /** Resolve a host name to all its addresses (like `dns.promises.lookup(host, { all: true })`). */
  lookup(hostname: string): Promise<LookupAddress[]>;
}

export interface KvkConfig {
  /** e.g. `https://api.kvk.nl` (production) or `https://api.kvk.nl/test`; no trailing `/api`. */
  baseUrl: string;
  apiKey: string;
}

/** Where the `intent` tool finds a company's buying signals (hiring, funding, new systems, growth). */
export interface IntentSignalSource {
  signalsFor(domain: string, options?: { signal?: AbortSignal }): Promise<IntentSignal[]>;
}

export interface EnrichDeps {
  cache?: EnrichmentCache;
  dns?: DnsResolver;
  /** Use the KvK API for the registry tool; without it the embedded directory is used. */
  kvk?: KvkConfig;
  /** Override the registry entirely (takes precedence over `kvk`). */
  registry?: CompanyRegistry;
  intent?: IntentSignalSource;
  /**
   * Allow the website tool to connect to private, loopback, link-local … addresses. Only the local stack
   * and tests set this; production never does.
   */
  allowPrivateTargets?: boolean;
  /** Clock for tests. */
  now?: () => Date;
  /** User-Agent the website and KvK tools send. */
  userAgent?: string;
  /**
   * The public job-board APIs the jobs tool reads (tests point them at local servers). `{company}` in the
   * Recruitee base is the company's Recruitee name. Defaults: the real APIs.
   */
  jobBoards?: {
    readonly greenhouse?: string;
    readonly lever?: string;
    readonly recruitee?: string;
  };
}

export interface EnrichOptions {
  /** Run only these tools (others are recorded as skipped). Default: all. */
  only?: string[];
  /** Per-tool timeout overrides in ms. */
  timeoutMs?: Partial<Record<string, number>>;
  /** Abort everything (e.g. the Lambda is about to time out). */
  signal?: AbortSignal;
}

export interface ToolContext {
  signal: AbortSignal;
  /** The timeout this run got (after overrides). */
  timeoutMs: number;
  deps: EnrichDeps;
  now: Date;
  /**
   * For a tool that makes several lookups: each one cached under its own key (exactly what was looked up),
   * read and written through the runner's bounded cache access; `schema` validates a hit. Without a cache
   * it just calls `lookup` (absent: tests that call a tool's `run` directly).
   */
  cached?<T>(key: string, ttlSeconds: number, schema: z.ZodType<T>, lookup: () => Promise<T>): Promise<T>;
}

/** What the tools learnt before this one runs: only lead-derived facts (tools run in parallel). */
export interface EnrichTool<I, O> {
  name: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  timeoutMs: number;
  /** Relative weight in the confidence figure. */
  weight: number;
  /** Build the tool input from the lead, or undefined when the tool has nothing to work on (→ skipped). */
  prepare(lead: Lead, deps: EnrichDeps): I | undefined;
  /**
   * Cache key: exactly the input that is fetched or looked up (e.g. the site's origin), never something else
   * the lead wrote, so no lead can store an answer under another company's key. Never personal data.
   */
  cacheKey?(input: I): string | undefined;
  cacheTtlSeconds?: number;
  run(input: I, ctx: ToolContext): Promise<O>;
}

// biome-ignore lint/suspicious/noExplicitAny: heterogeneous tool list
export type AnyEnrichTool = EnrichTool<any, any>;

/** An error whose message is ours and safe to record (no personal data). */
export class EnrichError extends Error {
  override name = 'EnrichError';
}
