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
  /** ISO country as far as the lead tells (form, phone, domain); part of a name lookup's cache key. */
  country: z.string().max(2).optional(),
});
export type RegistryInput = z.infer<typeof RegistryInputSchema>;

/** Countries whose companies the registries cover. */
export const REGISTRY_COUNTRIES = new Set(['NL', 'BE']);

export function registryFor(deps: EnrichDeps): CompanyRegistry {
  if (deps.registry) return deps.registry;
  if (deps.kvk) return new KvkRegistry(deps.kvk, deps.userAgent);
  return embeddedDirectory();
}

/** Registry answers change slowly: a month. */
export const REGISTRY_CACHE_TTL_SECONDS = 30 * 24 * 3600;

const normalName = (name: string) =>
  name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase().slice(0, 200);

/**
 * Cache keys are exactly what was looked up: a domain lookup under `…:domain:<domain>`, a name lookup under
 * `…:name:<country>:<name>`, per registry source. A company found by the name a lead typed is never stored
 * under that lead's email domain, where it would answer for every honest lead of the real company.
 */
export const registryCacheKey = {
  domain: (source: string, domain: string) => `registry:v2:${source}:domain:${domain.toLowerCase()}`,
  name: (source: string, name: string, country: string | undefined) =>
    `registry:v2:${source}:name:${country ?? '-'}:${normalName(name)}`,
};

export const registryTool: EnrichTool<RegistryInput, RegistryFacts | null> = {
  name: 'registry',
  input: RegistryInputSchema,
  output: RegistryFactsSchema.nullable(),
  timeoutMs: 3_000,
  weight: 2,
  prepare(lead) {
    const { domain, name } = lead.company;
    if (!domain && !name) return undefined;
    // Country as far as the lead itself tells (the registry is what would tell us more).
    const phone = lead.person.phone ? normalisePhone(lead.person.phone, lead.company.country) : null;
    const geo = computeGeo({ formCountry: lead.company.country, phone, domain });
    if (geo.country && !REGISTRY_COUNTRIES.has(geo.country)) return undefined;
    return { ...(domain && { domain }), ...(name && { name }), ...(geo.country && { country: geo.country }) };
  },
  async run(input, ctx) {
    const registry = registryFor(ctx.deps);
    const opts = { signal: ctx.signal };
    const schema = RegistryFactsSchema.nullable();
    const ttl = REGISTRY_CACHE_TTL_SECONDS;
    const cached = ctx.cached ?? ((_key, _ttl, _schema, lookup) => lookup());
    if (input.domain) {
      const domain = input.domain;
      const byDomain = await cached(registryCacheKey.domain(registry.source, domain), ttl, schema, () =>
        registry.findByDomain(domain, opts),
      );
      if (byDomain) return byDomain;
    }
    const name = input.name;
    if (!name) return null;
    return cached(registryCacheKey.name(registry.source, name, input.country), ttl, schema, () =>
      registry.findByName(name, opts),
    );
  },
};
