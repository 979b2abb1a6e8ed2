/**
 * The judgement evaluation: realistic leads (eval/quality/leads.jsonl), each labelled by what a sales
 * professional would say (tier range, disposition, language, route), run through the real intake parser,
 * scoring, disposition and routing with the shipped configuration, no network (enrichment is what the
 * case states, else only what the email domain says). Prints agreement per field and confusion tables.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Enrichment } from '../../functions/agent/enrichment';
import { parseSubmission } from '../../functions/agent/intake/parse-submission';
import type { IntakeSettings } from '../../functions/agent/intake/settings';
import type { DispositionKind, DispositionsFile } from '../../functions/agent/judge/disposition';
import type { Language } from '../../functions/agent/lead';
import type { Tier } from '../../functions/agent/qualification';
import { matchRoute, type RoutingSetup } from '../../functions/agent/route';
import { type CompiledRules, scoreEnrichedLead } from '../../functions/agent/score';

export interface EvalCase {
  readonly id: string;
  /** What the lead is, for people reading the set. */
  readonly note: string;
  /** The body as the form or webhook posts it (JSON). */
  readonly submission: unknown;
  readonly headers?: Record<string, string>;
  /** What enrichment would find (registry, website), when the case needs it. */
  readonly enrichment?: Partial<Enrichment>;
  readonly expect: {
    /** Acceptable tiers: [lowest, highest]. */
    readonly tier: readonly [Tier, Tier];
    readonly disposition: DispositionKind;
    readonly language: Language;
    /** `rep`: a person works it; `nurture`: no rep's time. */
    readonly route: 'rep' | 'nurture';
  };
}

export interface EvalSetup {
  readonly intake: IntakeSettings;
  readonly rules: CompiledRules;
  readonly routing: RoutingSetup;
  readonly dispositions: DispositionsFile;
  readonly now: Date;
}

export interface CaseResult {
  readonly id: string;
  readonly ok: { tier: boolean; disposition: boolean; language: boolean; route: boolean };
  readonly got: {
    tier: Tier | 'refused';
    total: number;
    disposition: string;
    language: string;
    route: string;
  };
  readonly expected: EvalCase['expect'];
}

export const FIELDS = ['tier', 'disposition', 'language', 'route'] as const;
export type Field = (typeof FIELDS)[number];

const TIER_ORDER: readonly Tier[] = ['cold', 'warm', 'hot'];
const FREE_MAIL = new Set([
  'gmail.com',
  'hotmail.com',
  'outlook.com',
  'live.nl',
  'yahoo.com',
  'icloud.com',
  'ziggo.nl',
  'kpnmail.nl',
]);

export function readCases(path = join(dirname(fileURLToPath(import.meta.url)), 'leads.jsonl')): EvalCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as EvalCase;
      } catch {
        throw new Error(`leads.jsonl line ${index + 1} is not JSON`);
      }
    });
}

function baseEnrichment(
  email: string | undefined,
  country: string | undefined,
  extra: Partial<Enrichment> = {},
): Enrichment {
  const domain = email?.split('@')[1]?.toLowerCase() ?? '';
  const freeMail = FREE_MAIL.has(domain);
  return {
    email: email
      ? {
          domain,
          freeMail,
          disposable: false,
          roleAddress: /^(info|sales|hello|contact)@/.test(email),
          businessDomain: !freeMail,
          mx: true,
        }
      : null,
    website: null,
    registry: null,
    phone: null,
    geo: {
      country: country ?? (domain.endsWith('.nl') ? 'NL' : domain.endsWith('.be') ? 'BE' : null),
      sources: country ? ['form'] : ['tld'],
    },
    intent: null,
    tools: {},
    confidence: 0.6,
    ...extra,
  } as Enrichment;
}

export async function runCase(c: EvalCase, setup: EvalSetup): Promise<CaseResult> {
  const parsed = await parseSubmission(
    {
      body: JSON.stringify(c.submission),
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json', ...(c.headers ?? {}) },
      query: {},
      method: 'POST',
      path: '/leads',
      receivedAt: setup.now,
    },
    setup.intake,
  );
  if (!parsed.ok) {
    return {
      id: c.id,
      ok: { tier: false, disposition: false, language: false, route: false },
      got: { tier: 'refused', total: 0, disposition: 'refused', language: 'refused', route: 'refused' },
      expected: c.expect,
    };
  }
  const lead = parsed.lead;
  const enrichment = baseEnrichment(lead.person.email, lead.company.country, c.enrichment);
  const score = scoreEnrichedLead(lead, enrichment, setup.rules, setup.now, {
    dispositions: setup.dispositions,
  });
  const route = matchRoute({ lead, enrichment, score }, setup.routing).kind === 'nurture' ? 'nurture' : 'rep';
  const disposition = score.disposition?.kind ?? 'sales';
  const [lo, hi] = c.expect.tier;
  const rank = TIER_ORDER.indexOf(score.tier);
  return {
    id: c.id,
    ok: {
      tier: rank >= TIER_ORDER.indexOf(lo) && rank <= TIER_ORDER.indexOf(hi),
      disposition: disposition === c.expect.disposition,
      language: lead.language === c.expect.language,
      route: route === c.expect.route,
    },
    got: { tier: score.tier, total: score.total, disposition, language: lead.language, route },
    expected: c.expect,
  };
}

export async function evaluate(cases: readonly EvalCase[], setup: EvalSetup): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) out.push(await runCase(c, setup));
  return out;
}

/** Share of cases where the field agrees with the label, 0…1. */
export function agreement(results: readonly CaseResult[], field: Field): number {
  if (results.length === 0) return 0;
  return results.filter((r) => r.ok[field]).length / results.length;
}

/** Confusion counts: expected label → what the system said → count. */
export function confusion(results: readonly CaseResult[], field: Field): Map<string, Map<string, number>> {
  const table = new Map<string, Map<string, number>>();
  for (const r of results) {
    const expected = field === 'tier' ? r.expected.tier.join('–') : String(r.expected[field]);
    const got = String(r.got[field]);
    const row = table.get(expected) ?? new Map<string, number>();
    row.set(got, (row.get(got) ?? 0) + 1);
    table.set(expected, row);
  }
  return table;
}

export function formatReport(results: readonly CaseResult[]): string {
  const lines: string[] = [`${results.length} labelled leads`, ''];
  lines.push('| field | agreement |', '| --- | --- |');
  for (const field of FIELDS)
    lines.push(
      `| ${field} | ${(agreement(results, field) * 100).toFixed(1)} % (${results.filter((r) => r.ok[field]).length}/${results.length}) |`,
    );
  for (const field of FIELDS) {
    const table = confusion(results, field);
    const columns = [...new Set([...table.values()].flatMap((row) => [...row.keys()]))].sort();
    lines.push(
      '',
      `Confusion (${field}): expected ↓ / system →`,
      '',
      `| expected | ${columns.join(' | ')} |`,
      `| --- |${columns.map(() => ' --- |').join('')}`,
    );
    for (const [expected, row] of [...table].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`| ${expected} | ${columns.map((c) => row.get(c) ?? 0).join(' | ')} |`);
  }
  const misses = results.filter((r) => FIELDS.some((f) => !r.ok[f]));
  if (misses.length > 0) {
    lines.push('', 'Disagreements:');
    for (const r of misses) {
      const fields = FIELDS.filter((f) => !r.ok[f]).map(
        (f) =>
          `${f}: expected ${f === 'tier' ? r.expected.tier.join('–') : r.expected[f]}, got ${r.got[f]}${f === 'tier' ? ` (${r.got.total})` : ''}`,
      );
      lines.push(`- ${r.id}: ${fields.join('; ')}`);
    }
  }
  return lines.join('\n');
}
