/**
 * A synthetic lead history with a known true model, for tests and benchmarks. Every lead gets a true
 * probability of a booked meeting from a logistic model on its columns; the outcome is drawn from it.
 * The columns look like a CRM export: an id, a date, placeholders ("Select"), a free-text note, a column
 * that leaks the outcome, and a column with no effect at all. No real person's data.
 *
 * True effects on the log-odds (ranges: Lead Source 3.6, Time on site ≈ 2.8 over most leads, Employees 1.5,
 * Demo 1.0, Country 0.5, Newsletter 0):
 *   Lead Source: Referral +2.2, Webinar +0.9, LinkedIn +0.3, Google 0, Cold list −1.4, missing −0.4,
 *                rare sources (Podcast, Fair, Partner) 0
 *   Time on site (s): 0.9 × ln(1 + min(t, 2400)/60); a fifth of the leads 0 s, median ≈ 150 s
 *   Employees: < 10 −0.8, 10–200 +0.7, 201–1000 +0.3, > 1000 0, missing −0.2
 *   Demo requested: yes +1.0
 *   Country: NL or BE +0.5
 */
import { seededRng } from '../../learn/random';

/** The facts in order of how far they move the true log-odds. */
export const TRUE_ORDER = [
  'Lead Source',
  'Time on site (s)',
  'Employees',
  'Demo requested',
  'Country',
  'Newsletter',
];

export const TRUE_RANGES: Readonly<Record<string, number>> = {
  'Lead Source': 3.6,
  'Time on site (s)': 2.8,
  Employees: 1.5,
  'Demo requested': 1.0,
  Country: 0.5,
  Newsletter: 0,
};

export interface SyntheticHistory {
  /** The CSV text (header + one row per lead). */
  readonly csv: string;
  /** True probability of success per row. */
  readonly probability: Float64Array;
  /** Outcome per row (1 = meeting booked). */
  readonly outcome: Uint8Array;
}

const SOURCES: [string, number, number][] = [
  // name, share, effect
  ['Google', 0.3, 0],
  ['LinkedIn', 0.2, 0.3],
  ['Referral', 0.1, 2.2],
  ['Webinar', 0.12, 0.9],
  ['Cold list', 0.18, -1.4],
  ['Select', 0.07, -0.4],
  ['Podcast', 0.01, 0],
  ['Fair', 0.01, 0],
  ['Partner', 0.01, 0],
];
const COUNTRIES: [string, number][] = [
  ['NL', 0.4],
  ['BE', 0.15],
  ['DE', 0.15],
  ['GB', 0.1],
  ['US', 0.1],
  ['FR', 0.1],
];

function pick<T>(items: readonly [T, number, ...unknown[]][], u: number): [T, number, ...unknown[]] {
  let acc = 0;
  for (const it of items) {
    acc += it[1];
    if (u < acc) return it;
  }
  return items[items.length - 1]!;
}

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export interface SyntheticOptions {
  readonly leads: number;
  readonly seed?: number;
  /** Intercept of the true model (default −3: about one lead in four books a meeting). */
  readonly intercept?: number;
  /** From this month on (1–12), Cold list leads double at Google's expense: drift. Default none. */
  readonly driftFromMonth?: number;
}

export function syntheticHistory(o: SyntheticOptions): SyntheticHistory {
  const rng = seededRng(o.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const lines = [
    'Lead ID,Created,Lead Source,Employees,Time on site (s),Demo requested,Country,Newsletter,Notes,Sales status,Outcome',
  ];
  const probability = new Float64Array(o.leads);
  const outcome = new Uint8Array(o.leads);
  for (let i = 0; i < o.leads; i++) {
    const month = 1 + Math.floor((i / o.leads) * 12);
    const day = 1 + Math.floor(rng() * 28);
    let u = rng();
    if (o.driftFromMonth && month >= o.driftFromMonth && u < 0.3) u = 0.82 + (u / 0.3) * 0.17;
    const [source, , sourceEffect] = pick(SOURCES, u) as [string, number, number];
    const employeesMissing = rng() < 0.1;
    const employees = Math.max(1, Math.round(Math.exp(3.5 + 1.6 * normal())));
    const employeesEffect = employeesMissing
      ? -0.2
      : employees < 10
        ? -0.8
        : employees <= 200
          ? 0.7
          : employees <= 1000
            ? 0.3
            : 0;
    const time = rng() < 0.2 ? 0 : Math.round(Math.exp(5 + 1.2 * normal()));
    const timeEffect = 0.9 * Math.log1p(Math.min(time, 2400) / 60);
    const demo = rng() < 0.2;
    const [country] = pick(COUNTRIES, rng());
    const countryEffect = country === 'NL' || country === 'BE' ? 0.5 : 0;
    const newsletter = rng() < 0.5;
    const eta =
      (o.intercept ?? -3) + sourceEffect + employeesEffect + timeEffect + (demo ? 1 : 0) + countryEffect;
    const p = 1 / (1 + Math.exp(-eta));
    const y = rng() < p ? 1 : 0;
    probability[i] = p;
    outcome[i] = y;
    // A status a rep sets after the first call: the outcome, give or take a few mistakes.
    const status = (rng() < 0.97 ? y : 1 - y) ? 'Meeting planned' : 'Not interested';
    const note = `Call back re ${['pricing', 'demo', 'integration', 'team size'][i % 4]} #${i}`;
    lines.push(
      [
        `L${String(i + 1).padStart(7, '0')}`,
        `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        source,
        employeesMissing ? '' : String(employees),
        String(time),
        demo ? 'Yes' : 'No',
        country,
        newsletter ? 'Yes' : 'No',
        note,
        status,
        y ? 'Meeting booked' : 'No meeting',
      ]
        .map(quote)
        .join(','),
    );
  }
  return { csv: `${lines.join('\n')}\n`, probability, outcome };
}
