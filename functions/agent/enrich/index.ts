/** Enrichment: the single entry the `qualify` Lambda calls, plus the ports and options it takes. */
export { InMemoryEnrichmentCache } from './cache';
export { DirectoryRegistry, embeddedDirectory } from './registry/directory';
export { KvkRegistry } from './registry/kvk-client';
export { industryForSbi, industryForSbiCodes } from './registry/sbi';
export type { CompanyRegistry, RegistryLookupOptions } from './registry/types';
export { DEFAULT_TOOLS, type EnrichRunOptions, enrichLead } from './run-tools';
export { embeddedIntentSignals, StaticIntentSignalSource } from './tools/intent';
export type {
  DnsResolver,
  EnrichDeps,
  EnrichmentCache,
  EnrichOptions,
  EnrichTool,
  IntentSignalSource,
  KvkConfig,
  LookupAddress,
  MxRecordLike,
  ToolContext,
} from './types';
