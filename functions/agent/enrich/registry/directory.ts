/**
 * The embedded company directory (data/company-directory.json): fictional Dutch and Belgian companies,
 * used when no KvK API key is configured (local stack, demos, tests). Same shape the import script writes.
 */
import * as z from 'zod';
import directoryData from '../../../../data/company-directory.json';
import type { RegistryFacts } from '../../enrichment';
import { industryForSbiCodes } from './sbi';
import type { CompanyRegistry } from './types';

export const DirectoryCompanySchema = z.object({
  kvkNumber: z
    .string()
    .regex(/^\d{8}$/)
    .optional(),
  /** Belgian enterprise number (KBO/BCE), `0123.456.789`. */
  kboNumber: z
    .string()
    .regex(/^[01]\d{3}\.\d{3}\.\d{3}$/)
    .optional(),
  legalName: z.string().min(1),
  tradeNames: z.array(z.string()).default([]),
  legalForm: z.string().optional(),
  domain: z.string().min(3),
  website: z.string().optional(),
  sbiCodes: z.array(z.string()).default([]),
  sbiDescriptions: z.array(z.string()).optional(),
  employees: z.number().int().nonnegative().optional(),
  address: z
    .object({
      street: z.string().optional(),
      postalCode: z.string().optional(),
      city: z.string().optional(),
      country: z.string().regex(/^[A-Z]{2}$/),
    })
    .optional(),
  founded: z.string().optional(),
});
export type DirectoryCompany = z.infer<typeof DirectoryCompanySchema>;

export const DirectoryFileSchema = z.object({
  _meta: z.record(z.string(), z.unknown()).optional(),
  companies: z.array(DirectoryCompanySchema),
});

const LEGAL_SUFFIX =
  /\b(?:b\.?\s?v\.?|n\.?\s?v\.?|v\.?\s?o\.?\s?f\.?|comm\.?\s?v|commv|vzw|bvba|sprl|srl|sa|holding|group|groep|stichting|eenmanszaak)\b\.?/gi;

/** Compare names loosely: case, punctuation, legal form suffixes and "& Zn." are ignored. */
export function normaliseCompanyName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&\s*zn\.?/g, '')
    .replace(LEGAL_SUFFIX, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function normaliseDomain(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '')
    .replace(/\.$/, '');
}

export function toRegistryFacts(c: DirectoryCompany): RegistryFacts {
  return {
    source: 'directory',
    ...(c.kvkNumber && { kvkNumber: c.kvkNumber }),
    legalName: c.legalName,
    ...(c.tradeNames.length && { tradeNames: c.tradeNames }),
    ...(c.legalForm && { legalForm: c.legalForm }),
    sbiCodes: c.sbiCodes,
    industry: industryForSbiCodes(c.sbiCodes),
    ...(c.employees !== undefined && { employees: c.employees }),
    ...(c.address && { address: c.address }),
    website: c.website ?? `https://${c.domain}/`,
    ...(c.founded && { founded: c.founded }),
  };
}

export class DirectoryRegistry implements CompanyRegistry {
  readonly source = 'directory' as const;
  private readonly byDomain = new Map<string, DirectoryCompany>();
  private readonly byName = new Map<string, DirectoryCompany>();

  constructor(companies: DirectoryCompany[]) {
    for (const c of companies) {
      this.byDomain.set(normaliseDomain(c.domain), c);
      for (const n of [c.legalName, ...c.tradeNames]) {
        const key = normaliseCompanyName(n);
        if (key && !this.byName.has(key)) this.byName.set(key, c);
      }
    }
  }

  async findByDomain(domain: string): Promise<RegistryFacts | null> {
    const c = this.byDomain.get(normaliseDomain(domain));
    return c ? toRegistryFacts(c) : null;
  }

  async findByName(name: string): Promise<RegistryFacts | null> {
    const c = this.byName.get(normaliseCompanyName(name));
    return c ? toRegistryFacts(c) : null;
  }

  get size(): number {
    return this.byDomain.size;
  }
}

let embedded: DirectoryRegistry | undefined;

/** The directory shipped in data/company-directory.json (parsed once per process). */
export function embeddedDirectory(): DirectoryRegistry {
  embedded ??= new DirectoryRegistry(DirectoryFileSchema.parse(directoryData).companies);
  return embedded;
}
