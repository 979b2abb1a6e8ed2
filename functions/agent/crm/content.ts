/**
 * The text reps read in the CRM: the note that explains the score (rationale, the rules that fired with
 * their points, rules version, owner), the owner's task, and the deal title. Dutch or English per the
 * mapping's `language`. Plain text; adapters escape it where a CRM expects HTML.
 */
import type { Tier } from '../qualification';
import type { CrmLeadView } from './view';

export type NoteLanguage = 'nl' | 'en';

const T = {
  en: {
    lead: 'lead',
    title: (tier: string, quadrant: string) => `Lead qualifier — ${tier} lead (${quadrant})`,
    score: 'Score',
    rules: 'rules',
    confidence: 'data confidence',
    owner: 'Owner',
    nurture: 'Nurture sequence (no rep)',
    route: 'Routing',
    disposition: 'Disposition',
    rationale: 'Why',
    nextAction: 'Next action',
    fired: 'Rules that fired',
    none: '(none)',
    page: 'Lead page',
    taskSubject: (who: string, company: string | undefined, tier: string) =>
      `Follow up ${who}${company ? ` (${company})` : ''} — ${tier} lead`,
    due: 'First contact due',
    tiers: { cold: 'cold', warm: 'warm', hot: 'hot' } as Record<Tier, string>,
    quadrants: {
      act_now: 'act now',
      proactive_outreach: 'proactive outreach',
      nurture: 'nurture',
      monitor: 'monitor',
    } as Record<string, string>,
    unknown: 'unknown contact',
  },
  nl: {
    lead: 'lead',
    title: (tier: string, quadrant: string) => `Leadkwalificatie — ${tier} lead (${quadrant})`,
    score: 'Score',
    rules: 'regels',
    confidence: 'betrouwbaarheid gegevens',
    owner: 'Eigenaar',
    nurture: 'Nurture-reeks (geen verkoper)',
    route: 'Toewijzing',
    disposition: 'Soort aanvraag',
    rationale: 'Waarom',
    nextAction: 'Volgende stap',
    fired: 'Regels die punten gaven',
    none: '(geen)',
    page: 'Leadpagina',
    taskSubject: (who: string, company: string | undefined, tier: string) =>
      `Opvolgen: ${who}${company ? ` (${company})` : ''} — ${tier} lead`,
    due: 'Eerste contact uiterlijk',
    tiers: { cold: 'koude', warm: 'warme', hot: 'hete' } as Record<Tier, string>,
    quadrants: {
      act_now: 'nu handelen',
      proactive_outreach: 'proactief benaderen',
      nurture: 'nurturen',
      monitor: 'volgen',
    } as Record<string, string>,
    unknown: 'onbekend contact',
  },
} as const;

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0');

/** The reference line that makes an activity findable after a crash (see `ActivityInput.marker`). */
export const markerLine = (marker: string) => `lq-ref ${marker}`;

export interface NoteOptions {
  readonly language: NoteLanguage;
  readonly ownerName?: string;
  readonly marker: string;
}

/** The score note: headline, axes, owner, rationale, every rule that fired with its points, link back. */
export const scoreNote = (view: CrmLeadView, options: NoteOptions): string => {
  const t = T[options.language];
  const s = view.score;
  const lines: string[] = [];
  if (s) {
    lines.push(t.title(t.tiers[s.tier], t.quadrants[s.quadrant] ?? s.quadrant));
    lines.push(
      `${t.score} ${s.total}: fit ${s.fit} · intent ${s.intent} · engagement ${s.engagement} ` +
        `(${t.rules} ${s.rulesVersion}, ${t.confidence} ${Math.round(s.dataConfidence * 100)}%)`,
    );
  }
  const r = view.route;
  if (r) {
    const owner =
      r.kind === 'nurture'
        ? t.nurture
        : `${options.ownerName ?? r.ownerId ?? '?'}${options.ownerName && r.ownerId ? ` (${r.ownerId})` : ''}`;
    lines.push(`${t.owner}: ${owner}`);
    lines.push(`${t.route}: ${r.ruleId} — ${r.reason}${r.slaDueAt ? `; ${t.due} ${r.slaDueAt}` : ''}`);
  }
  if (view.disposition) lines.push(`${t.disposition}: ${view.disposition}`);
  if (view.rationale) {
    lines.push('', `${t.rationale}:`, view.rationale.text.trim());
    if (view.rationale.nextAction) lines.push(`${t.nextAction}: ${view.rationale.nextAction.trim()}`);
  }
  if (s) {
    const fired = s.ledger.filter((e) => e.fired && e.awarded !== 0);
    lines.push('', `${t.fired}:`);
    if (fired.length === 0) lines.push(t.none);
    for (const e of fired) {
      lines.push(`${signed(e.awarded)} ${e.reason} [${e.axis}]${e.note ? ` — ${e.note}` : ''}`);
    }
  }
  if (view.leadUrl) lines.push('', `${t.page}: ${view.leadUrl}`);
  lines.push('', markerLine(options.marker));
  return lines.join('\n');
};

export const taskSubject = (view: CrmLeadView, language: NoteLanguage): string => {
  const t = T[language];
  const who = view.person.fullName ?? view.person.email ?? t.unknown;
  return t.taskSubject(who, view.company.name, view.score ? t.tiers[view.score.tier] : t.lead);
};

export const taskBody = (view: CrmLeadView, options: NoteOptions): string => {
  const t = T[options.language];
  const lines: string[] = [];
  if (view.rationale?.nextAction) lines.push(`${t.nextAction}: ${view.rationale.nextAction.trim()}`);
  if (view.score) {
    const fired = view.score.ledger
      .filter((e) => e.fired && e.awarded !== 0)
      .sort((a, b) => Math.abs(b.awarded) - Math.abs(a.awarded))
      .slice(0, 5);
    if (fired.length)
      lines.push(`${t.fired}: ${fired.map((e) => `${e.reason} (${signed(e.awarded)})`).join('; ')}`);
  }
  if (view.route?.slaDueAt) lines.push(`${t.due}: ${view.route.slaDueAt}`);
  if (view.leadUrl) lines.push(`${t.page}: ${view.leadUrl}`);
  lines.push(markerLine(options.marker));
  return lines.join('\n');
};

/** Deal / lead title: company (or the person) and the tier. */
export const recordTitle = (view: CrmLeadView, language: NoteLanguage): string => {
  const t = T[language];
  const who = view.company.name ?? view.person.fullName ?? view.person.email ?? view.leadId;
  return view.score ? `${who} — ${t.tiers[view.score.tier]} ${t.lead}` : who;
};

export const taskPriority = (tier: Tier | undefined): 'high' | 'medium' | 'low' =>
  tier === 'hot' ? 'high' : tier === 'warm' ? 'medium' : 'low';
