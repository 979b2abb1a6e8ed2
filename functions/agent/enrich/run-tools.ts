/**
 * The enrichment runner: runs every tool in parallel, each with its own timeout (AbortSignal), validates
 * inputs and outputs with the tool's zod schemas, reads and writes the cache port (a failing or slow cache
 * only means no caching), records how each run went, and works out geo and confidence. `enrichLead` never
 * rejects: a failing or slow tool lowers confidence and leaves its part null.
 */
import type { Enrichment, ToolRun } from '../enrichment';
import type { Lead } from '../lead';
import { computeGeo } from './geo';
import { emailTool } from './tools/email';
import { intentTool } from './tools/intent';
import { jobsTool } from './tools/jobs';
import { phoneTool } from './tools/phone';
import { registryTool } from './tools/registry';
import { websiteTool } from './tools/website';
import {
  type AnyEnrichTool,
  type EnrichDeps,
  EnrichError,
  type EnrichOptions,
  type ToolContext,
} from './types';

export const DEFAULT_TOOLS: readonly AnyEnrichTool[] = [
  emailTool,
  websiteTool,
  registryTool,
  phoneTool,
  intentTool,
  jobsTool,
];

/** Cache reads and writes get at most this long (bounded by the tool's own timeout). */
export const CACHE_TIMEOUT_MS = 250;

export interface ToolOutcome {
  run: ToolRun;
  value: unknown;
}

class TimeoutSignal extends Error {
  override name = 'TimeoutSignal';
}

/** An error text safe to store: our own messages verbatim, anything else reduced to its class name. */
export function safeErrorText(err: unknown): string {
  if (err instanceof EnrichError) return err.message.slice(0, 300);
  if (err instanceof Error) {
    if (err.name === 'ZodError') return 'invalid data (schema)';
    return `unexpected ${err.name}`.slice(0, 100);
  }
  return 'unexpected failure';
}

function elapsed(start: number): number {
  return Math.max(0, Math.round(performance.now() - start));
}

/** Resolve with `undefined` when the promise does not settle in time or rejects. */
async function bounded<T>(p: () => Promise<T>, ms: number, signal: AbortSignal): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(p),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
        onAbort = () => resolve(undefined);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export async function runTool(
  tool: AnyEnrichTool,
  lead: Lead,
  deps: EnrichDeps,
  options: EnrichOptions = {},
): Promise<ToolOutcome> {
  const start = performance.now();
  const timeoutMs = options.timeoutMs?.[tool.name] ?? tool.timeoutMs;
  if (options.only && !options.only.includes(tool.name))
    return { run: { status: 'skipped', ms: 0 }, value: null };

  let input: unknown;
  try {
    const prepared = tool.prepare(lead, deps);
    if (prepared === undefined) return { run: { status: 'skipped', ms: elapsed(start) }, value: null };
    const parsed = tool.input.safeParse(prepared);
    if (!parsed.success)
      return { run: { status: 'error', ms: elapsed(start), error: 'invalid input' }, value: null };
    input = parsed.data;
  } catch (err) {
    return { run: { status: 'error', ms: elapsed(start), error: safeErrorText(err) }, value: null };
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutSignal('timeout')), timeoutMs);
  const onOuterAbort = () => controller.abort(new TimeoutSignal('aborted'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort(new TimeoutSignal('aborted'));
  const signal = controller.signal;

  try {
    let key: string | undefined;
    try {
      key = deps.cache ? tool.cacheKey?.(input) : undefined;
    } catch {
      key = undefined;
    }
    const cacheMs = Math.min(CACHE_TIMEOUT_MS, Math.max(10, Math.floor(timeoutMs / 4)));
    if (key && deps.cache) {
      const cache = deps.cache;
      const hit = await bounded(() => cache.get(key), cacheMs, signal);
      if (hit && typeof hit === 'object' && 'v' in hit) {
        const parsed = tool.output.safeParse((hit as { v: unknown }).v);
        if (parsed.success)
          return { run: { status: 'ok', ms: elapsed(start), cached: true }, value: parsed.data };
      }
    }

    const lookups = { hits: 0, misses: 0 };
    const cache = deps.cache;
    const ctx: ToolContext = {
      signal,
      timeoutMs,
      deps,
      now: deps.now?.() ?? new Date(),
      cached: async (subKey, ttl, schema, lookup) => {
        if (!cache) return lookup();
        const hit = await bounded(() => cache.get(subKey), cacheMs, signal);
        if (hit && typeof hit === 'object' && 'v' in hit) {
          const parsed = schema.safeParse((hit as { v: unknown }).v);
          if (parsed.success) {
            lookups.hits++;
            return parsed.data;
          }
        }
        lookups.misses++;
        const value = await lookup();
        await bounded(() => cache.put(subKey, { v: value }, ttl), cacheMs, new AbortController().signal);
        return value;
      },
    };
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {});
    const raw = await Promise.race([Promise.resolve().then(() => tool.run(input, ctx)), aborted]);
    const parsed = tool.output.safeParse(raw);
    if (!parsed.success) {
      return {
        run: { status: 'error', ms: elapsed(start), error: 'tool output did not match its schema' },
        value: null,
      };
    }
    const ms = elapsed(start);
    if (key && deps.cache && tool.cacheTtlSeconds) {
      const cache = deps.cache;
      const ttl = tool.cacheTtlSeconds;
      // Write with a fresh bound: the tool's own signal may be close to firing.
      await bounded(() => cache.put(key, { v: parsed.data }, ttl), cacheMs, new AbortController().signal);
    }
    const viaLookups = lookups.hits + lookups.misses > 0 ? { cached: lookups.misses === 0 } : {};
    return {
      run: { status: 'ok', ms, ...(key && deps.cache ? { cached: false } : viaLookups) },
      value: parsed.data,
    };
  } catch (err) {
    if (signal.aborted) {
      const reason = signal.reason instanceof TimeoutSignal ? signal.reason.message : 'timeout';
      return {
        run: {
          status: 'timeout',
          ms: elapsed(start),
          error: reason === 'aborted' ? 'aborted by caller' : `no answer within ${timeoutMs} ms`,
        },
        value: null,
      };
    }
    return { run: { status: 'error', ms: elapsed(start), error: safeErrorText(err) }, value: null };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Weighted share of the tools that ran (not skipped) and answered; 0 when none ran. */
export function computeConfidence(tools: readonly AnyEnrichTool[], runs: Record<string, ToolRun>): number {
  let total = 0;
  let answered = 0;
  for (const t of tools) {
    const r = runs[t.name];
    if (!r || r.status === 'skipped') continue;
    total += t.weight;
    if (r.status === 'ok') answered += t.weight;
  }
  return total === 0 ? 0 : Math.round((answered / total) * 1000) / 1000;
}

export interface EnrichRunOptions extends EnrichOptions {
  /** Replace the tool set (tests, or a trimmed-down pipeline). Default: DEFAULT_TOOLS. */
  tools?: readonly AnyEnrichTool[];
}

function emptyEnrichment(tools: readonly AnyEnrichTool[], error: string): Enrichment {
  return {
    email: null,
    website: null,
    registry: null,
    phone: null,
    geo: { country: null, sources: [] },
    intent: null,
    tools: Object.fromEntries(
      tools.map((t) => [t.name, { status: 'error', ms: 0, error } satisfies ToolRun]),
    ),
    confidence: 0,
  };
}

export async function enrichLead(
  lead: Lead,
  deps: EnrichDeps = {},
  options: EnrichRunOptions = {},
): Promise<Enrichment> {
  const tools = options.tools ?? DEFAULT_TOOLS;
  try {
    const outcomes = await Promise.all(tools.map((t) => runTool(t, lead, deps ?? {}, options)));
    const runs: Record<string, ToolRun> = {};
    const values: Record<string, unknown> = {};
    tools.forEach((t, i) => {
      runs[t.name] = outcomes[i]!.run;
      values[t.name] = outcomes[i]!.value;
    });
    const slot = <T>(name: string): T | null =>
      runs[name]?.status === 'ok' ? ((values[name] as T) ?? null) : null;
    const registry = slot<Enrichment['registry']>('registry');
    const phone = slot<Enrichment['phone']>('phone');
    const company = (lead as Partial<Lead> | undefined)?.company;
    const formCountry = typeof company?.country === 'string' ? company.country : undefined;
    const domain = typeof company?.domain === 'string' ? company.domain : undefined;
    return {
      email: slot('email'),
      website: slot('website'),
      registry,
      phone,
      geo: computeGeo({ formCountry, registry, phone, domain }),
      intent: slot('intent'),
      jobs: slot('jobs'),
      tools: runs,
      confidence: computeConfidence(tools, runs),
    };
  } catch (err) {
    return emptyEnrichment(tools, safeErrorText(err));
  }
}
