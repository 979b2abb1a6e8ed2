import type { RegistryFacts } from '../../enrichment';

export interface RegistryLookupOptions {
  signal?: AbortSignal;
}

/** A company registry (the Dutch KvK, or the embedded directory). */
export interface CompanyRegistry {
  readonly source: 'kvk' | 'directory';
  findByDomain(domain: string, options?: RegistryLookupOptions): Promise<RegistryFacts | null>;
  findByName(name: string, options?: RegistryLookupOptions): Promise<RegistryFacts | null>;
}
