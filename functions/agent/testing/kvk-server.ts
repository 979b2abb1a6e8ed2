/**
 * A KvK API stand-in speaking the real wire format (Zoeken API v2, Basisprofiel API v1, `apikey` header,
 * `{ "fout": [{ code, omschrijving }] }` errors, 404 IPD5200 for "no results"). Data are fictional.
 */
import type { ServerResponse } from 'node:http';
import { startServer, type TestServer } from './http-server';

export const KVK_TEST_KEY = 'l7xx1f2691f2520d487b902f4e0b57a0b197';

export const KVK_PROFILES: Record<string, unknown> = {
  '68750110': {
    kvkNummer: '68750110',
    indNonMailing: 'Ja',
    naam: 'Roostr B.V.',
    formeleRegistratiedatum: '20150112',
    materieleRegistratie: { datumAanvang: '20150112' },
    totaalWerkzamePersonen: 67,
    statutaireNaam: 'Roostr B.V.',
    handelsnamen: [
      { naam: 'Roostr B.V.', volgorde: 0 },
      { naam: 'Roostr', volgorde: 1 },
    ],
    sbiActiviteiten: [
      {
        sbiCode: '6311',
        sbiOmschrijving: 'Gegevensverwerking, webhosting en aanverwante activiteiten',
        indHoofdactiviteit: 'Nee',
      },
      {
        sbiCode: '6201',
        sbiOmschrijving: 'Ontwikkelen, produceren en uitgeven van software',
        indHoofdactiviteit: 'Ja',
      },
    ],
    links: [{ rel: 'self', href: 'https://api.kvk.nl/api/v1/basisprofielen/68750110' }],
    _embedded: {
      hoofdvestiging: {
        vestigingsnummer: '000037178598',
        kvkNummer: '68750110',
        formeleRegistratiedatum: '20150112',
        materieleRegistratie: { datumAanvang: '20150112' },
        eersteHandelsnaam: 'Roostr',
        indHoofdvestiging: 'Ja',
        indCommercieleVestiging: 'Ja',
        voltijdWerkzamePersonen: 52,
        totaalWerkzamePersonen: 67,
        deeltijdWerkzamePersonen: 15,
        adressen: [
          {
            type: 'bezoekadres',
            indAfgeschermd: 'Nee',
            volledigAdres: 'Vredenburg 40 3511BD Utrecht',
            straatnaam: 'Vredenburg',
            huisnummer: 40,
            postcode: '3511BD',
            plaats: 'Utrecht',
            land: 'Nederland',
          },
        ],
        websites: ['www.roostr.nl'],
      },
      eigenaar: {
        rsin: '857587973',
        rechtsvorm: 'BesloteVennootschap',
        uitgebreideRechtsvorm: 'Besloten Vennootschap',
        websites: ['www.roostr.nl'],
      },
    },
  },
  '69599076': {
    kvkNummer: '69599076',
    naam: 'Roostr Horeca VOF',
    materieleRegistratie: { datumAanvang: '20170301' },
    totaalWerkzamePersonen: 3,
    sbiActiviteiten: [{ sbiCode: '5610', sbiOmschrijving: 'Restaurants', indHoofdactiviteit: 'Ja' }],
    _embedded: {
      hoofdvestiging: {
        adressen: [
          {
            type: 'bezoekadres',
            indAfgeschermd: 'Nee',
            straatnaam: 'Markt',
            huisnummer: 1,
            postcode: '6211CK',
            plaats: 'Maastricht',
            land: 'Nederland',
          },
        ],
        websites: ['www.roostrhoreca.nl'],
      },
      eigenaar: { rechtsvorm: 'VennootschapOnderFirma' },
    },
  },
};

const ZOEKEN: Record<string, unknown[]> = {
  roostr: [
    {
      kvkNummer: '69599076',
      vestigingsnummer: '000038509490',
      naam: 'Roostr Horeca VOF',
      adres: { binnenlandsAdres: { type: 'bezoekadres', straatnaam: 'Markt', plaats: 'Maastricht' } },
      type: 'nevenvestiging',
      _links: { basisprofiel: { href: 'https://api.kvk.nl/api/v1/basisprofielen/69599076' } },
    },
    {
      kvkNummer: '68750110',
      vestigingsnummer: '000037178598',
      naam: 'Roostr B.V.',
      adres: { binnenlandsAdres: { type: 'bezoekadres', straatnaam: 'Vredenburg', plaats: 'Utrecht' } },
      type: 'hoofdvestiging',
      _links: { basisprofiel: { href: 'https://api.kvk.nl/api/v1/basisprofielen/68750110' } },
    },
  ],
};

function fout(res: ServerResponse, status: number, code: string, omschrijving: string) {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ fout: [{ code, omschrijving }] }));
}

export interface KvkServerOptions {
  /** Delay every answer (ms). */
  delayMs?: number;
  /** Answer every request with HTTP 500. */
  failWith500?: boolean;
}

export async function startKvkServer(opts: KvkServerOptions = {}): Promise<TestServer> {
  return startServer((req, res) => {
    const answer = () => {
      if (req.headers.apikey !== KVK_TEST_KEY) return fout(res, 401, 'IPD1002', 'Ongeldige API key');
      if (opts.failWith500) return fout(res, 500, 'IPD9999', 'Er is een technische fout opgetreden');
      const url = new URL(req.url ?? '/', 'http://kvk.test');
      if (url.pathname === '/api/v2/zoeken') {
        const naam = (url.searchParams.get('naam') ?? '').toLowerCase();
        const hits = Object.entries(ZOEKEN).find(([k]) => naam.includes(k))?.[1] ?? [];
        if (!hits.length) return fout(res, 404, 'IPD5200', 'Geen resultaten gevonden');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            pagina: 1,
            resultatenPerPagina: 10,
            totaal: hits.length,
            resultaten: hits,
            _links: { self: { href: `https://api.kvk.nl/api/v2/zoeken?${url.searchParams}` } },
          }),
        );
        return;
      }
      const m = /^\/api\/v1\/basisprofielen\/(\d{8})$/.exec(url.pathname);
      if (m) {
        const p = KVK_PROFILES[m[1]!];
        if (!p) return fout(res, 404, 'IPD0004', 'Het KVK-nummer is niet valide of bestaat niet');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(p));
        return;
      }
      fout(res, 404, 'IPD0000', 'Onbekende resource');
    };
    if (opts.delayMs) {
      const t = setTimeout(answer, opts.delayMs);
      res.on('close', () => clearTimeout(t));
    } else answer();
  });
}
