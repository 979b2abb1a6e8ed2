/**
 * The insights page (GET /insights, for managers and ops): speed to lead per week, qualification → meeting
 * per tier and rules version with the 40 % alarm, the outcome funnel, tier and disposition mix, per-rule
 * meeting rates with and without the rule (95 % interval, n) and drift. Charts are inline SVG with a table
 * beside each; every figure links to the leads behind it (the leads list with filters).
 */
import type { FalseNegativeSample, SampleSummary } from '../../agent/insights/false-negatives';
import type { Insights, LeadIds, Rate } from '../../agent/insights/insights';
import { ApiError, announce, api, byId, h, type Me, session, showIdentity } from './lib';

type Sample = FalseNegativeSample & { summary: SampleSummary };
type InsightsAnswer = Insights & { falseNegatives: Sample | null };

const main = byId('main');
const SVG = 'http://www.w3.org/2000/svg';

const svg = (tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
};

/** The workspace's leads list of exactly the leads behind a figure, headed by what the figure is. */
export const leadsHref = (leads: LeadIds, what: string) =>
  `/#leads?${new URLSearchParams({
    ids: leads.ids.join(','),
    label:
      leads.total > leads.ids.length ? `${what} (the newest ${leads.ids.length} of ${leads.total})` : what,
  })}`;
/** A figure linked to its leads; `label` names the figure (the list's heading and the link's name). */
const link = (text: string, leads: LeadIds, label: string) =>
  h('a', { href: leadsHref(leads, label), 'aria-label': label }, text);

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${Math.round(x * 1000) / 10} %`;
const ci = (r: Rate) => (r.ci95 ? `${pct(r.ci95[0])}–${pct(r.ci95[1])}` : '–');
const mins = (m: number | null) =>
  m === null
    ? '–'
    : m < 90
      ? `${Math.round(m)} min`
      : m < 48 * 60
        ? `${Math.round(m / 6) / 10} h`
        : `${Math.round(m / 144) / 10} d`;

const table = (id: string, caption: string, head: string[], rows: (Node | string)[][]) =>
  h(
    'table',
    { class: 'compare', id },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((t, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'num' }, c))),
        ),
      ),
    ),
  );

const section = (id: string, title: string, ...children: (Node | null)[]) =>
  h(
    'section',
    { class: 'card', 'aria-labelledby': `${id}-h`, id },
    h('h2', { id: `${id}-h` }, title),
    ...children,
  );

/** Vertical bars per label (one or two series), labels under the bars. */
const barChart = (
  label: string,
  labels: string[],
  series: { name: string; values: (number | null)[]; cls: string }[],
  format: (v: number) => string,
) => {
  const w = 720;
  const hgt = 200;
  const pad = 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const slot = (w - pad) / Math.max(1, labels.length);
  const bw = Math.max(2, (slot - 6) / series.length);
  const bars = labels.flatMap((l, i) =>
    series.map((s, k) => {
      const v = s.values[i] ?? 0;
      const bh = ((hgt - pad) * v) / max;
      return svg(
        'rect',
        { x: pad + i * slot + k * bw, y: hgt - pad - bh, width: bw - 1, height: bh, class: s.cls },
        svg('title', {}, `${l} ${s.name}: ${s.values[i] === null ? 'none' : format(v)}`),
      );
    }),
  );
  const ticks = labels.map((l, i) =>
    svg(
      'text',
      { x: pad + i * slot + slot / 2, y: hgt - 10, 'text-anchor': 'middle', class: 'tick' },
      l.replace(/^\d{4}-/, ''),
    ),
  );
  const legend = series.map((s, k) =>
    svg(
      'g',
      {},
      svg('rect', { x: pad + k * 120, y: 2, width: 10, height: 10, class: s.cls }),
      svg('text', { x: pad + 14 + k * 120, y: 11, class: 'tick' }, s.name),
    ),
  );
  return svg(
    'svg',
    { viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': label, class: 'chart' },
    svg('title', {}, label),
    svg('text', { x: 0, y: 24, class: 'tick' }, format(max)),
    svg('line', { x1: pad, y1: hgt - pad, x2: w, y2: hgt - pad, class: 'axis' }),
    ...legend,
    ...bars,
    ...ticks,
  );
};

/** The false-negative review: the latest sample with its answers, and a draw on demand. */
const reviewSection = (sample: Sample | null, reload: () => Promise<void>): HTMLElement => {
  const draw = h(
    'button',
    {
      type: 'button',
      id: 'fn-draw',
      onclick: async () => {
        try {
          const s = await api<Sample>('POST', '/insights/false-negatives');
          await reload();
          announce(`Drew ${s.leads.length} leads below the sales threshold for review`, 'ok');
        } catch (e) {
          announce(`No sample drawn: ${(e as Error).message}`, 'error');
        }
      },
    },
    'Draw 20 leads below the threshold now',
  );
  if (!sample)
    return section(
      'false-negatives',
      'False-negative review',
      h('p', {}, 'No sample yet: one is drawn every month, or draw one now.'),
      draw,
    );
  const sum = sample.summary;
  const answer = async (leadId: string, yes: boolean) => {
    try {
      await api('POST', `/insights/false-negatives/${encodeURIComponent(sample.id)}/answers`, {
        leadId,
        shouldHaveGoneToSales: yes,
      });
      await reload();
      announce(`Answer saved for ${leadId}`, 'ok');
    } catch (e) {
      announce(`Not saved: ${e instanceof ApiError ? e.message : (e as Error).message}`, 'error');
    }
  };
  return section(
    'false-negatives',
    'False-negative review: should these have gone to sales?',
    h(
      'p',
      { id: 'fn-summary' },
      `Sample ${sample.id} (${sample.kind === 'monthly' ? 'monthly' : 'on demand'}): ${sample.leads.length} of ${sample.eligible} leads below the threshold. ${sum.answered} answered, ${sum.flagged} flagged (${pct(sum.share)}; alarm over ${pct(sum.alarmAbove)})${sum.alarm ? ' — ⚠ the rules are too strict' : ''}.`,
    ),
    table(
      'fn-table',
      'Leads in the sample',
      ['Lead', 'Tier', 'Score', 'Company', 'Should have gone to sales?'],
      sample.leads.map((l) => {
        const a = sample.answers[l.leadId];
        const btn = (yes: boolean) =>
          h(
            'button',
            {
              type: 'button',
              'aria-pressed': a ? String(a.shouldHaveGoneToSales === yes) : 'false',
              'aria-label': `${yes ? 'Yes' : 'No'}: ${l.leadId} should ${yes ? '' : 'not '}have gone to sales`,
              onclick: () => void answer(l.leadId, yes),
            },
            yes ? 'Yes' : 'No',
          );
        return [
          h('a', { href: `/#lead/${l.leadId}` }, l.leadId),
          l.tier,
          String(l.total),
          l.company ?? '',
          h('span', { class: 'actions' }, btn(true), ' ', btn(false), a ? ` (${a.by})` : ''),
        ];
      }),
    ),
    draw,
  );
};

const TIER_NAMES = ['cold', 'warm', 'hot'] as const;

const render = (d: InsightsAnswer) => {
  const q = d.qualification;
  const alarms: HTMLElement[] = [];
  if (q.overall.alarm)
    alarms.push(
      h(
        'li',
        {},
        `Qualification → meeting is ${pct(q.overall.rate)}, under ${pct(q.alarmBelow)}: adjust the rules. `,
        link('The leads', q.overall.leadIds, 'qualified leads with a known outcome'),
      ),
    );
  for (const v of q.perRulesVersion.filter((x) => x.alarm))
    alarms.push(
      h(
        'li',
        {},
        `Rules ${v.rulesVersion}: ${pct(v.rate)} of ${v.n} qualified leads got a meeting (under ${pct(q.alarmBelow)}). `,
        link('The leads', v.leadIds, `qualified leads scored with ${v.rulesVersion}`),
      ),
    );
  if (d.falseNegatives?.summary.alarm)
    alarms.push(
      h(
        'li',
        {},
        `False negatives: ${pct(d.falseNegatives.summary.share)} of the reviewed leads below the threshold should have gone to sales (alarm over ${pct(d.falseNegatives.summary.alarmAbove)}): the rules are too strict.`,
      ),
    );
  if (d.drift.warning) {
    const s = d.drift.score.steps.at(-1)!;
    alarms.push(
      h(
        'li',
        {},
        `Scores drifted from ${s.from} to ${s.to} (PSI ${s.psi}, ${s.level}): the lead mix changed; check the rules.`,
      ),
    );
  }
  const speed = d.speed;
  const funnelMax = Math.max(1, ...d.funnel.map((f) => f.leads));
  main.replaceChildren(
    h('h1', {}, 'Insights'),
    h(
      'p',
      { class: 'muted' },
      `${d.leads} scored leads; weekly figures for ${d.weeks[0]} to ${d.weeks.at(-1)}. Leads from ${d.qualifiedFrom} up go to sales.`,
    ),
    alarms.length
      ? h(
          'section',
          { class: 'card alarm', role: 'alert', 'aria-labelledby': 'alarm-h', id: 'alarms' },
          h('h2', { id: 'alarm-h' }, 'Alarms'),
          h('ul', {}, alarms),
        )
      : h(
          'p',
          { id: 'alarms', class: 'muted' },
          'No alarms: qualification → meeting at or over 40 % and scores stable.',
        ),
    section(
      'speed',
      'Speed to lead (submission → first email)',
      h(
        'p',
        {},
        `Overall: p50 ${mins(speed.overall.p50Minutes)}, p90 ${mins(speed.overall.p90Minutes)}, `,
        link(
          `${speed.overall.slaBreaches} SLA breaches`,
          speed.overall.breachIds,
          `${speed.overall.slaBreaches} SLA breaches, ${d.weeks[0]} to ${d.weeks.at(-1)}`,
        ),
        ` of `,
        link(
          `${speed.overall.leads} leads`,
          speed.overall.leadIds,
          `${speed.overall.leads} leads to a rep, ${d.weeks[0]} to ${d.weeks.at(-1)}`,
        ),
        '.',
      ),
      barChart(
        'Speed to lead per week: p50 and p90 minutes',
        speed.weeks.map((w) => w.week),
        [
          { name: 'p50', values: speed.weeks.map((w) => w.p50Minutes), cls: 's1' },
          { name: 'p90', values: speed.weeks.map((w) => w.p90Minutes), cls: 's2' },
        ],
        mins,
      ),
      table(
        'speed-table',
        'Per week',
        ['Week', 'Leads', 'Contacted', 'p50', 'p90', 'SLA breaches'],
        speed.weeks.map((w) => [
          w.week,
          link(String(w.leads), w.leadIds, `${w.leads} leads in ${w.week}`),
          String(w.contacted),
          mins(w.p50Minutes),
          mins(w.p90Minutes),
          link(String(w.slaBreaches), w.breachIds, `${w.slaBreaches} SLA breaches in ${w.week}`),
        ]),
      ),
    ),
    section(
      'qualification',
      'Qualification → meeting',
      h(
        'p',
        {},
        `Of qualified leads with a known outcome, ${pct(q.overall.rate)} got a meeting (95 %: ${ci(q.overall)}, n = `,
        link(String(q.overall.n), q.overall.leadIds, `${q.overall.n} qualified leads with a known outcome`),
        `). Alarm under ${pct(q.alarmBelow)}.`,
      ),
      table(
        'tier-table',
        'Meeting rate per tier (closed leads)',
        ['Tier', 'Meeting rate', '95 % interval', 'Leads'],
        q.perTier.map((t) => [
          t.tier,
          pct(t.rate),
          ci(t),
          link(String(t.n), t.leadIds, `${t.n} closed ${t.tier} leads`),
        ]),
      ),
      table(
        'version-table',
        'Qualification → meeting per rules version',
        ['Rules version', 'Ratio', '95 % interval', 'Leads', 'Alarm'],
        q.perRulesVersion.map((v) => [
          v.rulesVersion,
          pct(v.rate),
          ci(v),
          link(String(v.n), v.leadIds, `${v.n} qualified leads scored with ${v.rulesVersion}`),
          v.alarm ? '⚠ under 40 %' : 'ok',
        ]),
      ),
    ),
    section(
      'funnel',
      'Outcome funnel',
      svg(
        'svg',
        {
          viewBox: `0 0 720 ${d.funnel.length * 34}`,
          role: 'img',
          'aria-label': `Funnel: ${d.funnel.map((f) => `${f.stage} ${f.leads}`).join(', ')}`,
          class: 'chart',
        },
        ...d.funnel.map((f, i) =>
          svg(
            'g',
            {},
            svg('text', { x: 0, y: i * 34 + 20, class: 'tick' }, f.stage),
            svg('rect', {
              x: 90,
              y: i * 34 + 6,
              width: Math.max(1, (600 * f.leads) / funnelMax),
              height: 22,
              class: 's1',
            }),
            svg(
              'text',
              { x: 96 + (600 * f.leads) / funnelMax, y: i * 34 + 22, class: 'tick' },
              String(f.leads),
            ),
          ),
        ),
      ),
      table(
        'funnel-table',
        'Leads per stage',
        ['Stage', 'Leads'],
        d.funnel.map((f) => [f.stage, link(String(f.leads), f.leadIds, `${f.leads} leads ${f.stage}`)]),
      ),
    ),
    section(
      'mix',
      'Tier and disposition mix per week',
      barChart(
        'Leads per week by tier',
        d.mix.map((m) => m.week),
        [
          { name: 'cold', values: d.mix.map((m) => m.tiers.cold), cls: 'cold' },
          { name: 'warm', values: d.mix.map((m) => m.tiers.warm), cls: 'warm' },
          { name: 'hot', values: d.mix.map((m) => m.tiers.hot), cls: 'hot' },
        ],
        (v) => String(v),
      ),
      table(
        'mix-table',
        'Leads per week',
        ['Week', 'Cold', 'Warm', 'Hot', 'To a rep', 'Nurture'],
        d.mix.map((m) => [
          m.week,
          ...TIER_NAMES.map((t) =>
            link(String(m.tiers[t]), m.tierIds[t], `${m.tiers[t]} ${t} leads in ${m.week}`),
          ),
          link(String(m.owner), m.ownerIds, `${m.owner} leads to a rep in ${m.week}`),
          link(String(m.nurture), m.nurtureIds, `${m.nurture} leads to nurture in ${m.week}`),
        ]),
      ),
    ),
    section(
      'rules',
      'Scoring rules: how often they fire and what follows',
      h(
        'p',
        { class: 'muted small' },
        'Meeting rate of closed leads when the rule fired and when it did not, with the 95 % Wilson interval and the number of leads behind each.',
      ),
      table(
        'rules-table',
        'Per rule',
        [
          'Rule',
          'Fired',
          'With: rate',
          'With: 95 %',
          'With: n',
          'Without: rate',
          'Without: 95 %',
          'Without: n',
        ],
        d.rules.map((r) => [
          h('span', { title: r.reason }, r.id),
          link(String(r.fired), r.leadIds, `${r.fired} leads where ${r.id} fired`),
          pct(r.withRule.rate),
          ci(r.withRule),
          String(r.withRule.n),
          pct(r.withoutRule.rate),
          ci(r.withoutRule),
          String(r.withoutRule.n),
        ]),
      ),
    ),
    reviewSection(d.falseNegatives, load),
    section(
      'drift',
      'Drift of the scores (month over month)',
      d.drift.score.steps.length
        ? table(
            'drift-table',
            'Population stability index (PSI) of the scores: under 0.1 stable, 0.1–0.25 moderate, over 0.25 significant',
            ['From → to', 'PSI', 'Level'],
            d.drift.score.steps.map((s) => [`${s.from} → ${s.to}`, String(s.psi), s.level]),
          )
        : h('p', {}, 'Not enough months of scores yet.'),
      d.drift.alerts.length
        ? table(
            'drift-alerts',
            'Scores and facts that moved (PSI 0.1 or more), worst first',
            ['Score or fact', 'From → to', 'PSI', 'Level'],
            d.drift.alerts
              .slice(0, 15)
              .map((a) => [a.what, `${a.step.from} → ${a.step.to}`, String(a.step.psi), a.step.level]),
          )
        : null,
    ),
  );
};

const load = async () => render(await api<InsightsAnswer>('GET', '/insights/data'));

const start = async () => {
  const me: Me = await session(main, 'Sign in to insights');
  showIdentity(me);
  announce(`Signed in as ${me.name}`);
  try {
    await load();
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Insights'));
    announce(`Insights cannot be loaded: ${(e as Error).message}`, 'error');
  }
};

void start();
