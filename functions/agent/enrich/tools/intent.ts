/**
 * The `intent` tool: external buying signals (hiring, funding, new systems, growth) for the company's
 * domain, from an `IntentSignalSource`. The default source is the embedded data/intent-signals.json;
 * signals keep their ISO date, and the scoring decays them by age.
 */
import * as z from 'zod';
import intentData from '../../../../data/intent-signals.json';
import { type IntentSignal, IntentSignalSchema } from '../../enrichment';
import { PARSE_ONCE } from '../../parse-once';
import { normaliseDomain } from '../registry/directory';
import type { EnrichTool, IntentSignalSource } from '../types';

export const IntentFileSchema = z.object({
  _meta: z.record(z.string(), z.unknown()).optional(),
  signals: z.array(IntentSignalSchema.extend({ domain: z.string().min(3) })),
});

export class StaticIntentSignalSource implements IntentSignalSource {
  private readonly byDomain = new Map<string, IntentSignal[]>();

  constructor(signals: (IntentSignal & { domain: string })[]) {
    for (const { domain, ...s } of signals) {
      const key = normaliseDomain(domain);
      const list = this.byDomain.get(key) ?? [];
      list.push(s);
      this.byDomain.set(key, list);
    }
    for (const list of this.byDomain.values()) list.sort((a, b) => b.at.localeCompare(a.at));
  }

  async signalsFor(domain: string): Promise<IntentSignal[]> {
    return structuredClone(this.byDomain.get(normaliseDomain(domain)) ?? []);
  }
}

let embedded: StaticIntentSignalSource | undefined;
export function embeddedIntentSignals(): StaticIntentSignalSource {
  embedded ??= new StaticIntentSignalSource(IntentFileSchema.parse(intentData, PARSE_ONCE).signals);
  return embedded;
}

const IntentInputSchema = z.object({ domain: z.string().min(3).max(253) });
const IntentOutputSchema = z.object({ signals: z.array(IntentSignalSchema) });

export const intentTool: EnrichTool<z.infer<typeof IntentInputSchema>, z.infer<typeof IntentOutputSchema>> = {
  name: 'intent',
  input: IntentInputSchema,
  output: IntentOutputSchema,
  timeoutMs: 2_000,
  weight: 1,
  cacheTtlSeconds: 24 * 3600,
  prepare(lead) {
    return lead.company.domain ? { domain: lead.company.domain } : undefined;
  },
  cacheKey(input) {
    return `intent:v1:${input.domain.toLowerCase()}`;
  },
  async run(input, ctx) {
    const source = ctx.deps.intent ?? embeddedIntentSignals();
    const signals = await source.signalsFor(input.domain, { signal: ctx.signal });
    return { signals: signals.slice(0, 50) };
  },
};
