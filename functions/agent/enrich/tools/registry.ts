/**
 * The `registry` tool: the company's registry facts (KvK when an API key is configured, else the embedded
 * directory). Only for Dutch or Belgian companies, or when the country is not known yet.
 */
import * as z from 'zod';
import { type RegistryFacts, RegistryFactsSchema } from '../../enrichment';
import { computeGeo } from '../geo';
import { embeddedDirectory } from '../registry/directory';
import { KvkRegistry } from '../registry/kvk-client';
import type { CompanyRegistry } from '../registry/types';
import type { EnrichDeps, EnrichTool } from '../types';
import { normalisePhone } from './phone';

const RegistryInputSchema = z.object({
  domain: z.string().max(253).optional(),
  name: z.string().max(300).optional(),
});
export type RegistryInput = z.infer<typeof RegistryInputSchema>;

/** Countries whose companies the registries cover. */
export const REGISTRY_COUNTRIES = new Set(['NL', 'BE']);

export function registryFor(deps: EnrichDeps): CompanyRegistry {
  if (deps.registry) return deps.registry;
  if (deps.kvk) return new KvkRegistry(deps.kvk, deps.userAgent);
  return embeddedDirectory();
}

export const registryTool: EnrichTool<RegistryInput, RegistryFacts | null> = {
  name: 'registry',
  input: RegistryInputSchema,
  output: RegistryFactsSchema.nullable(),
  timeoutMs: 3_000,
  weight: 2,
  cacheTtlSeconds: 30 * 24 * 3600,
  prepare(lead) {
    const { domain, name } = lead.company;
    if (!domain && !name) return undefined;
    // Country as far as the lead itself tells (the registry is what would tell us more).
    const phone = lead.person.phone ? normalisePhone(lead.person.phone, lead.company.country) : null;
    const geo = computeGeo({ formCountry: lead.company.country, phone, domain });
    if (geo.country && !REGISTRY_COUNTRIES.has(geo.country)) return undefined;
    return { ...(domain && { domain }), ...(name && { name }) };
  },
  cacheKey(input) {
    if (input.domain) return `registry:v1:${input.domain.toLowerCase()}`;
    return input.name ? `registry:v1:name:${input.name.trim().toLowerCase().slice(0, 200)}` : undefined;
  },
  async run(input, ctx) {
    const registry = registryFor(ctx.deps);
    const opts = { signal: ctx.signal };
    if (input.domain) {
      const byDomain = await registry.findByDomain(input.domain, opts);
      if (byDomain) return byDomain;
    }
    return input.name ? registry.findByName(input.name, opts) : null;
  },
};
