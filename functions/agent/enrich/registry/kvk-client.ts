/**
 * KvK Handelsregister client over the real wire format:
 *   GET {baseUrl}/api/v2/zoeken?naam=…&resultatenPerPagina=…   (Zoeken API v2)
 *   GET {baseUrl}/api/v1/basisprofielen/{kvkNummer}            (Basisprofiel API v1)
 * Authentication: header `apikey`. Errors come back as `{ "fout": [{ "code": "IPD…", "omschrijving": … }] }`;
 * a search without results is a 404 (IPD5200), which we read as "not found".
 * KvK cannot be searched by domain: `findByDomain` searches the domain's first label as a name and accepts
 * a result only when its basisprofiel lists a website on that domain (at most 2 profiles fetched).
 */
import * as z from 'zod';
import type { RegistryFacts } from '../../enrichment';
import { EnrichError, type KvkConfig } from '../types';
import { normaliseDomain } from './directory';
import { industryForSbiCodes } from './sbi';
import type { CompanyRegistry, RegistryLookupOptions } from './types';

const BinnenlandsAdresSchema = z.object({
  type: z.string().optional(),
  straatnaam: z.string().optional(),
  huisnummer: z.number().optional(),
  huisletter: z.string().optional(),
  postcode: z.string().optional(),
  plaats: z.string().optional(),
});

export const ZoekenResponseSchema = z.object({
  pagina: z.number().optional(),
  resultatenPerPagina: z.number().optional(),
  totaal: z.number().optional(),
  resultaten: z
    .array(
      z.object({
        kvkNummer: z.string(),
        vestigingsnummer: z.string().optional(),
        naam: z.string(),
        adres: z
          .object({
            binnenlandsAdres: BinnenlandsAdresSchema.optional(),
            buitenlandsAdres: z
              .object({
                straatHuisnummer: z.string().optional(),
                postcodeWoonplaats: z.string().optional(),
                land: z.string().optional(),
              })
              .optional(),
          })
          .optional(),
        type: z.string().optional(),
        actief: z.string().optional(),
      }),
    )
    .default([]),
});

const AdresSchema = z.object({
  type: z.string().optional(),
  indAfgeschermd: z.string().optional(),
  volledigAdres: z.string().optional(),
  straatnaam: z.string().optional(),
  huisnummer: z.number().optional(),
  huisletter: z.string().optional(),
  huisnummerToevoeging: z.string().optional(),
  postcode: z.string().optional(),
  plaats: z.string().optional(),
  land: z.string().optional(),
});

export const BasisprofielSchema = z.object({
  kvkNummer: z.string(),
  naam: z.string(),
  statutaireNaam: z.string().optional(),
  formeleRegistratiedatum: z.string().optional(),
  materieleRegistratie: z
    .object({ datumAanvang: z.string().optional(), datumEinde: z.string().optional() })
    .optional(),
  totaalWerkzamePersonen: z.number().int().nonnegative().optional(),
  handelsnamen: z.array(z.object({ naam: z.string(), volgorde: z.number().optional() })).optional(),
  sbiActiviteiten: z
    .array(
      z.object({
        sbiCode: z.string(),
        sbiOmschrijving: z.string().optional(),
        indHoofdactiviteit: z.string().optional(),
      }),
    )
    .optional(),
  _embedded: z
    .object({
      hoofdvestiging: z
        .object({
          vestigingsnummer: z.string().optional(),
          adressen: z.array(AdresSchema).optional(),
          websites: z.array(z.string()).optional(),
        })
        .optional(),
      eigenaar: z
        .object({
          rechtsvorm: z.string().optional(),
          uitgebreideRechtsvorm: z.string().optional(),
          websites: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type Basisprofiel = z.infer<typeof BasisprofielSchema>;

/** KvK `yyyymmdd` → ISO `yyyy-mm-dd` (other shapes are passed through). */
function kvkDate(d: string | undefined): string | undefined {
  if (!d) return undefined;
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
}

const LAND_TO_ISO: Record<string, string> = { nederland: 'NL', belgië: 'BE', belgie: 'BE', duitsland: 'DE' };

export function basisprofielToFacts(p: Basisprofiel): RegistryFacts {
  const sbi = [...(p.sbiActiviteiten ?? [])].sort(
    (a, b) => Number(b.indHoofdactiviteit === 'Ja') - Number(a.indHoofdactiviteit === 'Ja'),
  );
  const sbiCodes = sbi.map((s) => s.sbiCode);
  const adressen = p._embedded?.hoofdvestiging?.adressen ?? [];
  const adres = adressen.find((a) => a.type === 'bezoekadres') ?? adressen[0];
  const websites = [
    ...(p._embedded?.hoofdvestiging?.websites ?? []),
    ...(p._embedded?.eigenaar?.websites ?? []),
  ];
  const tradeNames = (p.handelsnamen ?? []).map((h) => h.naam).filter((n) => n !== p.naam);
  const rechtsvorm = p._embedded?.eigenaar?.rechtsvorm;
  const founded = kvkDate(p.materieleRegistratie?.datumAanvang ?? p.formeleRegistratiedatum);
  return {
    source: 'kvk',
    kvkNumber: p.kvkNummer,
    legalName: p.statutaireNaam ?? p.naam,
    ...(tradeNames.length && { tradeNames }),
    ...(rechtsvorm && { legalForm: rechtsvorm }),
    sbiCodes,
    industry: industryForSbiCodes(sbiCodes),
    ...(p.totaalWerkzamePersonen !== undefined && { employees: p.totaalWerkzamePersonen }),
    ...(adres &&
      adres.indAfgeschermd !== 'Ja' && {
        address: {
          ...(adres.straatnaam && {
            street: [adres.straatnaam, adres.huisnummer, adres.huisletter, adres.huisnummerToevoeging]
              .filter(Boolean)
              .join(' '),
          }),
          ...(adres.postcode && { postalCode: adres.postcode }),
          ...(adres.plaats && { city: adres.plaats }),
          country: LAND_TO_ISO[(adres.land ?? 'Nederland').toLowerCase()] ?? 'NL',
        },
      }),
    ...(websites[0] && { website: websites[0] }),
    ...(founded && { founded }),
  };
}

export class KvkRegistry implements CompanyRegistry {
  readonly source = 'kvk' as const;
  private readonly base: string;

  constructor(
    private readonly config: KvkConfig,
    private readonly userAgent = 'LeadQualifier/0.1',
  ) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  private async get(path: string, signal?: AbortSignal): Promise<unknown | null> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        headers: { apikey: this.config.apiKey, accept: 'application/json', 'user-agent': this.userAgent },
        ...(signal && { signal }),
      });
    } catch (err) {
      if (signal?.aborted) throw new EnrichError('kvk request aborted');
      throw new EnrichError(`kvk unreachable (${(err as Error).name})`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new EnrichError(`kvk refused the API key (HTTP ${res.status})`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new EnrichError(`kvk answered HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch {
      throw new EnrichError('kvk answered invalid JSON');
    }
  }

  async search(naam: string, options?: RegistryLookupOptions) {
    const q = new URLSearchParams({ naam, resultatenPerPagina: '10' });
    const body = await this.get(`/api/v2/zoeken?${q}`, options?.signal);
    if (body === null) return [];
    const parsed = ZoekenResponseSchema.safeParse(body);
    if (!parsed.success) throw new EnrichError('kvk zoeken answer did not match the expected shape');
    return parsed.data.resultaten;
  }

  async basisprofiel(kvkNummer: string, options?: RegistryLookupOptions): Promise<Basisprofiel | null> {
    if (!/^\d{8}$/.test(kvkNummer)) return null;
    const body = await this.get(`/api/v1/basisprofielen/${kvkNummer}`, options?.signal);
    if (body === null) return null;
    const parsed = BasisprofielSchema.safeParse(body);
    if (!parsed.success) throw new EnrichError('kvk basisprofiel answer did not match the expected shape');
    return parsed.data;
  }

  /** Distinct KvK numbers, main establishments / legal entities first. */
  private static candidates(results: z.infer<typeof ZoekenResponseSchema>['resultaten']): string[] {
    const ranked = [...results].sort((a, b) => rank(a.type) - rank(b.type));
    return [...new Set(ranked.map((r) => r.kvkNummer))];
  }

  async findByName(name: string, options?: RegistryLookupOptions): Promise<RegistryFacts | null> {
    const trimmed = name.trim().slice(0, 200);
    if (trimmed.length < 2) return null;
    const [first] = KvkRegistry.candidates(await this.search(trimmed, options));
    if (!first) return null;
    const profile = await this.basisprofiel(first, options);
    return profile ? basisprofielToFacts(profile) : null;
  }

  async findByDomain(domain: string, options?: RegistryLookupOptions): Promise<RegistryFacts | null> {
    const d = normaliseDomain(domain);
    const label = d.split('.')[0]?.replace(/-/g, ' ');
    if (!label || label.length < 2) return null;
    const candidates = KvkRegistry.candidates(await this.search(label, options)).slice(0, 2);
    for (const kvk of candidates) {
      const profile = await this.basisprofiel(kvk, options);
      if (!profile) continue;
      const facts = basisprofielToFacts(profile);
      const sites = [
        ...(profile._embedded?.hoofdvestiging?.websites ?? []),
        ...(profile._embedded?.eigenaar?.websites ?? []),
      ];
      if (sites.some((s) => normaliseDomain(s) === d || normaliseDomain(s).endsWith(`.${d}`))) return facts;
    }
    return null;
  }
}

function rank(type: string | undefined): number {
  if (type === 'hoofdvestiging') return 0;
  if (type === 'rechtspersoon') return 1;
  return 2;
}
