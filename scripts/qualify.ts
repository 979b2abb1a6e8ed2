/**
 * Ops CLI: score one lead with the shipped configuration, without emulators or AWS.
 *
 *   npm run qualify -- <lead.json> [--rules file.yaml] [--json] [--offline]
 *
 * Input: a normalised Lead (functions/agent/lead.ts) or a raw webform body (own JSON, HubSpot, Typeform, …),
 * which goes through the intake parser first. Enrichment uses the embedded company directory and intent
 * signals; without `--offline` the website tool fetches the company website and the email tool looks up MX
 * records (`--offline` skips the website and answers "unknown" for MX). Scoring uses the shipped
 * config/scoring-rules.yaml or `--rules`; routing uses config/routing.yaml + config/team.yaml with the
 * pure routing functions and rotation ticket 1 (the first seat of a team's rotation; the real rotation lives
 * in DynamoDB, so the rep shown may differ from who would get the lead in production).
 *
 * `--json` prints `{ scores, tier, quadrant, ledger, route, enrichment, input }`; otherwise a readable table.
 * `--now` fixes the clock (signal decay, office hours, SLA) for reproducible output.
 * A bad input file or rules file prints what is wrong (naming the field or rule) and exits with 1.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveBundledFile } from '../functions/agent/bundled-file';
import type { DnsResolver } from '../functions/agent/enrich';
import { enrichLead } from '../functions/agent/enrich';
import type { Enrichment } from '../functions/agent/enrichment';
import { DEFAULT_INTAKE_SETTINGS, parseSubmission } from '../functions/agent/intake';
import { type Lead, LeadSchema } from '../functions/agent/lead';
import type { Axis, Route, Score } from '../functions/agent/qualification';
import { decideRoute, matchRoute, RoutingValidationError } from '../functions/agent/route';
import { loadRoutingFiles } from '../functions/agent/route/config-file';
import {
  deriveFacts,
  loadRules,
  type RulesFile,
  RulesValidationError,
  scoreLead,
} from '../functions/agent/score';

/** The rotation ticket the CLI routes with: the first seat of the team's rotation. */
export const CLI_ROTATION_TICKET = 1;

export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface QualifyCliResult {
  readonly scores: { fit: number; intent: number; engagement: number; total: number };
  readonly tier: Score['tier'];
  readonly quadrant: Score['quadrant'];
  readonly dataConfidence: number;
  readonly bant: Score['bant'];
  readonly rulesVersion: string;
  readonly ledger: Score['ledger'];
  readonly route: Route & { readonly rotationTicket: number; readonly note: string };
  readonly enrichment: Enrichment;
  /** The normalised lead that was scored (after the intake parser, for raw webform bodies). */
  readonly input: { readonly source: Lead['source']['provider']; readonly lead: Lead };
}

/** A resolver that never answers: MX becomes "unknown" (null), no network traffic. */
const offlineDns: DnsResolver = {
  resolveMx: async () => {
    throw Object.assign(new Error('offline'), { code: 'ESERVFAIL' });
  },
  lookup: async () => {
    throw Object.assign(new Error('offline'), { code: 'ESERVFAIL' });
  },
} as unknown as DnsResolver;

const issuesText = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');

/** Reads the lead file: a normalised Lead, or a raw webform body run through the intake parser. */
export async function readLead(file: string, now: Date = new Date()): Promise<Lead> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot read lead file ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(`Lead file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError(`Lead file ${file} must hold a JSON object`);
  const looksNormalised = 'person' in raw && 'company' in raw && 'submittedAt' in raw;
  if (looksNormalised) {
    const parsed = LeadSchema.safeParse(raw);
    if (!parsed.success)
      throw new CliError(
        `Lead file ${file} is not a valid normalised lead:\n${issuesText(parsed.error.issues)}`,
      );
    return parsed.data;
  }
  const result = await parseSubmission(
    {
      body: text,
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json' },
      query: {},
      method: 'POST',
      path: '/leads',
      receivedAt: now,
    },
    DEFAULT_INTAKE_SETTINGS,
  );
  if (!result.ok)
    throw new CliError(
      `Lead file ${file} is not a usable webform submission (${result.error}):\n` +
        result.issues.map((i) => `  ${i.field}: ${i.message}`).join('\n'),
    );
  if (result.spam) throw new CliError(`Lead file ${file} is spam (${result.spam}): it would never be scored`);
  return result.lead;
}

/** Reads and validates a rules file (default: the shipped config/scoring-rules.yaml). */
export function readRules(file?: string): RulesFile {
  const path = file ?? resolveBundledFile('config/scoring-rules.yaml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot read rules file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`,
    );
  }
  try {
    return loadRules(text);
  } catch (error) {
    if (error instanceof RulesValidationError)
      throw new CliError(`Rules file ${path} is invalid:\n  ${error.issues.join('\n  ')}`);
    throw error;
  }
}

export async function qualifyOne(
  lead: Lead,
  rules: RulesFile,
  options: { offline?: boolean; now?: Date } = {},
): Promise<QualifyCliResult> {
  const now = options.now ?? new Date();
  let setup: ReturnType<typeof loadRoutingFiles>;
  try {
    setup = loadRoutingFiles();
  } catch (error) {
    if (error instanceof RoutingValidationError) throw new CliError(error.message);
    throw error;
  }
  const enrichment = await enrichLead(
    lead,
    { now: () => now, ...(options.offline ? { dns: offlineDns } : {}) },
    options.offline ? { only: ['email', 'registry', 'phone', 'intent'] } : {},
  );
  const facts = deriveFacts(lead, enrichment, now, rules.settings, rules.customFacts);
  const score = scoreLead(facts, rules, now);
  const match = matchRoute({ lead, enrichment, score }, setup);
  const { route } = decideRoute(match, setup, {
    tier: score.tier,
    submittedAt: lead.submittedAt,
    now,
    ticket: CLI_ROTATION_TICKET,
    loads: {},
  });
  return {
    scores: { fit: score.fit, intent: score.intent, engagement: score.engagement, total: score.total },
    tier: score.tier,
    quadrant: score.quadrant,
    dataConfidence: score.dataConfidence,
    bant: score.bant,
    rulesVersion: score.rulesVersion,
    ledger: score.ledger,
    route: {
      ...route,
      rotationTicket: CLI_ROTATION_TICKET,
      note: `routed with round-robin ticket ${CLI_ROTATION_TICKET} (the first seat of the rotation); the live rotation may pick another rep`,
    },
    enrichment,
    input: { source: lead.source.provider, lead },
  };
}

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The readable report: fired rules per axis with points, rules that did not fire, totals, tier, route. */
export function formatTable(result: QualifyCliResult): string {
  const lines: string[] = [];
  const axes: Axis[] = ['fit', 'intent', 'engagement'];
  const idWidth = Math.max(8, ...result.ledger.map((e) => e.ruleId.length)) + 2;
  lines.push(`Rules ${result.rulesVersion}`, '');
  for (const axis of axes) {
    const rows = result.ledger.filter((e) => e.axis === axis);
    lines.push(`${axis.toUpperCase()} ${result.scores[axis]}`);
    const fired = rows.filter((e) => e.fired);
    if (fired.length === 0) lines.push('  (no rule fired)');
    for (const e of fired) {
      const pts = e.awarded === e.points ? signed(e.awarded) : `${signed(e.awarded)} of ${signed(e.points)}`;
      lines.push(`  ${pad(pts, 12)}${pad(e.ruleId, idWidth)}${e.reason}${e.note ? ` (${e.note})` : ''}`);
    }
    const notFired = rows.filter((e) => !e.fired).map((e) => `${e.ruleId} (${signed(e.points)})`);
    lines.push(`  not fired: ${notFired.length ? notFired.join(', ') : '-'}`, '');
  }
  const s = result.scores;
  const r = result.route;
  lines.push(
    `TOTAL ${s.total}   tier ${result.tier}   quadrant ${result.quadrant}   data confidence ${Math.round(result.dataConfidence * 100)}%`,
    `  fit ${s.fit} + intent ${s.intent} + engagement ${s.engagement}; tools: ${toolSummary(result.enrichment)}`,
    '',
    r.kind === 'nurture'
      ? `ROUTE nurture${r.ownerId ? ` (${r.ownerId})` : ''}`
      : `ROUTE ${r.ownerId}${r.team ? ` in team ${r.team}` : ''}${r.slaDueAt ? `, SLA due ${r.slaDueAt}` : ''}`,
    `  ${r.reason}  [rule ${r.ruleId}, ${r.routingVersion}]`,
    `  ${r.note}`,
  );
  return lines.join('\n');
}

const toolSummary = (enrichment: Enrichment) =>
  Object.entries(enrichment.tools)
    .map(([name, run]) => `${name} ${run.status}`)
    .join(', ');

export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = (a: readonly string[]) =>
    parseArgs({
      args: [...a],
      allowPositionals: true,
      options: {
        rules: { type: 'string' },
        json: { type: 'boolean', default: false },
        offline: { type: 'boolean', default: false },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  const usage =
    'Usage: npm run qualify -- <lead.json> [--rules file.yaml] [--json] [--offline] [--now ISO-8601]';
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 1;
  }
  if (args.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    process.stderr.write(`${usage}\n`);
    return 1;
  }
  try {
    const now = args.values.now ? new Date(args.values.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new CliError(`--now ${args.values.now} is not an ISO 8601 date`);
    const rules = readRules(args.values.rules);
    const lead = await readLead(file, now);
    const result = await qualifyOne(lead, rules, { offline: args.values.offline, now });
    process.stdout.write(
      args.values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`Unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
