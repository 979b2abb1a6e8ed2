/**
 * Backtest before publishing: the rules in the editor against the published version on this system's
 * leads of known outcome, side by side — AUC, Brier, tier mix, meeting rate per tier, qualification→meeting
 * ratio (alarm under 40 %), false-negative rate (alarm over 10 %) and the leads that change tier.
 */

import { ApiError, announce, api, h } from './lib';
import type { ExtraControls } from './ops-config';

type Tier = 'cold' | 'warm' | 'hot';
const TIERS: Tier[] = ['cold', 'warm', 'hot'];

interface TierRow {
  leads: number;
  share: number;
  positives: number;
  positiveRate: number | null;
}
interface Figures {
  rulesVersion: string;
  auc: number;
  aucCi95: [number, number];
  brier: number;
  tiers: {
    tiers: Record<Tier, TierRow>;
    qualification: { qualified: number; positives: number; ratio: number | null; alarm: boolean };
    falseNegatives: { notQualified: number; positives: number; rate: number | null; alarm: boolean };
  };
}
interface Change {
  lead: string;
  outcome: boolean;
  from: { tier: Tier; total: number };
  to: { tier: Tier; total: number };
  gained: string[];
  lost: string[];
}
export interface BacktestAnswer {
  leads: number;
  withOutcome: number;
  positives: number;
  qualifiedFrom: Tier;
  draft: { version: number | null; rulesVersion: string };
  published: { version: number; rulesVersion: string };
  report: Figures & {
    compare: Figures & {
      changed: number;
      changes: Record<Tier, Record<Tier, number>>;
      better: Change[];
      worse: Change[];
    };
  };
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`;
const num = (x: number, d = 3) => x.toFixed(d);

/** A row of the side-by-side table; `better` says which direction is an improvement. */
const row = (label: string, draft: string, published: string, verdict?: 'better' | 'worse' | null) =>
  h(
    'tr',
    {},
    h('th', { scope: 'row' }, label),
    h(
      'td',
      { class: `num ${verdict ?? ''}` },
      draft,
      verdict ? h('span', { class: 'sr-only' }, ` (${verdict})`) : null,
    ),
    h('td', { class: 'num' }, published),
  );

const compareNumbers = (a: number | null, b: number | null, higherIsBetter: boolean) => {
  if (a === null || b === null || Math.abs(a - b) < 1e-9) return null;
  return a > b === higherIsBetter ? 'better' : 'worse';
};

const changeList = (title: string, list: Change[]) =>
  list.length === 0
    ? null
    : h(
        'div',
        {},
        h('h4', {}, title),
        h(
          'ul',
          {},
          list.map((c) =>
            h(
              'li',
              {},
              h('a', { href: `/#lead/${c.lead}` }, c.lead),
              ` (${c.outcome ? 'got a meeting' : 'no meeting'}): ${c.from.tier} ${c.from.total} → ${c.to.tier} ${c.to.total}`,
              c.gained.length ? `; now fires ${c.gained.join(', ')}` : '',
              c.lost.length ? `; no longer fires ${c.lost.join(', ')}` : '',
            ),
          ),
        ),
      );

export const renderBacktest = (b: BacktestAnswer): HTMLElement => {
  const d = b.report;
  const p = b.report.compare;
  const q = (f: Figures) => f.tiers.qualification;
  const fn = (f: Figures) => f.tiers.falseNegatives;
  return h(
    'div',
    { id: 'backtest-result' },
    h(
      'p',
      {},
      `${b.withOutcome} of ${b.leads} stored leads have a known outcome (${b.positives} got a meeting or were won). Leads from ${b.qualifiedFrom} up go to sales.`,
    ),
    h(
      'table',
      { class: 'compare', id: 'backtest-table' },
      h('caption', {}, 'The editor’s rules against the published version, on the same leads'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Figure'),
          h('th', { scope: 'col', class: 'num' }, b.draft.version ? `Version ${b.draft.version}` : 'Editor'),
          h('th', { scope: 'col', class: 'num' }, `Published (version ${b.published.version})`),
        ),
      ),
      h(
        'tbody',
        {},
        row(
          'AUC (95 % interval)',
          `${num(d.auc)} (${num(d.aucCi95[0], 2)}–${num(d.aucCi95[1], 2)})`,
          `${num(p.auc)} (${num(p.aucCi95[0], 2)}–${num(p.aucCi95[1], 2)})`,
          compareNumbers(d.auc, p.auc, true),
        ),
        row(
          'Brier score (lower is better)',
          num(d.brier),
          num(p.brier),
          compareNumbers(d.brier, p.brier, false),
        ),
        ...TIERS.map((t) =>
          row(
            `${t}: leads (share)`,
            `${d.tiers.tiers[t].leads} (${pct(d.tiers.tiers[t].share)})`,
            `${p.tiers.tiers[t].leads} (${pct(p.tiers.tiers[t].share)})`,
          ),
        ),
        ...TIERS.map((t) =>
          row(`${t}: meeting rate`, pct(d.tiers.tiers[t].positiveRate), pct(p.tiers.tiers[t].positiveRate)),
        ),
        row(
          'Qualification → meeting (alarm under 40 %)',
          `${pct(q(d).ratio)}${q(d).alarm ? ' ⚠ alarm' : ''}`,
          `${pct(q(p).ratio)}${q(p).alarm ? ' ⚠ alarm' : ''}`,
          compareNumbers(q(d).ratio, q(p).ratio, true),
        ),
        row(
          'False-negative rate below sales (alarm over 10 %)',
          `${pct(fn(d).rate)}${fn(d).alarm ? ' ⚠ alarm' : ''}`,
          `${pct(fn(p).rate)}${fn(p).alarm ? ' ⚠ alarm' : ''}`,
          compareNumbers(fn(d).rate, fn(p).rate, false),
        ),
      ),
    ),
    h('p', { id: 'backtest-changed' }, `${p.changed} of ${b.withOutcome} leads change tier.`),
    p.changed
      ? h(
          'table',
          { class: 'compare' },
          h('caption', {}, 'Leads per tier: published (rows) → editor (columns)'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Published'),
              TIERS.map((t) => h('th', { scope: 'col', class: 'num' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            TIERS.map((from) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, from),
                TIERS.map((to) => h('td', { class: 'num' }, String(p.changes[from][to]))),
              ),
            ),
          ),
        )
      : null,
    changeList('Changes for the better (meetings up, misses down)', p.better),
    changeList('Changes for the worse (meetings down, misses up)', p.worse),
  );
};

export const backtestControls: ExtraControls = (kind, ctx) => {
  if (kind !== 'rules') return null;
  const out = h('div', { id: 'backtest-out', 'aria-live': 'polite' });
  const run = async () => {
    out.replaceChildren(h('p', {}, 'Backtesting on the stored leads…'));
    try {
      const answer = await api<BacktestAnswer>('POST', '/ops/rules/backtest', { yaml: ctx.yaml() });
      out.replaceChildren(renderBacktest(answer));
      announce(
        `Backtest: AUC ${num(answer.report.auc)} against ${num(answer.report.compare.auc)} published; ${answer.report.compare.changed} leads change tier`,
        'ok',
      );
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      const parts: HTMLElement[] = [h('p', { class: 'field-error' }, `No backtest: ${(e as Error).message}`)];
      if (issues.length)
        parts.push(
          h(
            'ul',
            { class: 'field-error issues' },
            issues.map((m) => h('li', {}, m)),
          ),
        );
      out.replaceChildren(...parts);
      announce(`No backtest: ${(e as Error).message}`, 'error');
    }
  };
  return h(
    'div',
    { class: 'backtest' },
    h('h3', {}, 'Backtest before publishing'),
    h(
      'p',
      { class: 'muted small' },
      'Scores every stored lead of known outcome with the rules in the editor and with the published ones, using the facts as they were when each lead was scored.',
    ),
    h(
      'button',
      { type: 'button', id: 'backtest-run', onclick: () => void run() },
      'Backtest the editor’s rules',
    ),
    out,
  );
};
