/**
 * The workspace parts of the inbox page: the leads list (every lead, filters, priority or SLA order), a
 * lead's timeline in the viewer's language (Dutch or English) and time zone, and the actions a rep takes
 * on a lead (outcome, note or call, override, reassign). Every request shows success or a clear error.
 */
import type { LeadListItem } from '../../agent/pipeline/workspace';
import type { TimelineEntry } from '../../agent/timeline';
import { ApiError, announce, api, h, type Me, slaTime, untrusted } from './lib';

/* ------------------------------------------------------------------ language and time ------------------- */

export type Lang = 'en' | 'nl';
const LANG_KEY = 'lq.lang';
export const viewerLang = (): Lang => {
  const stored = localStorage.getItem(LANG_KEY);
  if (stored === 'en' || stored === 'nl') return stored;
  return navigator.language.toLowerCase().startsWith('nl') ? 'nl' : 'en';
};
export const setViewerLang = (lang: Lang) => localStorage.setItem(LANG_KEY, lang);

/** A moment in the viewer's time zone and language: "2 dec 2026, 17:30". */
export const localTime = (iso: string | undefined, lang: Lang = viewerLang()): string => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
};

const OUTCOMES = ['contacted', 'no_response', 'meeting_booked', 'disqualified', 'won', 'lost'] as const;
const OUTCOME_LABEL: Record<Lang, Record<string, string>> = {
  en: {
    contacted: 'Contacted',
    no_response: 'No response',
    meeting_booked: 'Meeting booked',
    disqualified: 'Disqualified',
    won: 'Won',
    lost: 'Lost',
  },
  nl: {
    contacted: 'Contact gehad',
    no_response: 'Geen reactie',
    meeting_booked: 'Afspraak gepland',
    disqualified: 'Gediskwalificeerd',
    won: 'Gewonnen',
    lost: 'Verloren',
  },
};
const CALL_LABEL: Record<Lang, Record<string, string>> = {
  en: { reached: 'reached', voicemail: 'voicemail', no_answer: 'no answer', wrong_number: 'wrong number' },
  nl: {
    reached: 'bereikt',
    voicemail: 'voicemail',
    no_answer: 'niet opgenomen',
    wrong_number: 'verkeerd nummer',
  },
};

/** People of the team (GET /team), for names, the owner filter and reassign; loaded once. */
let team: { id: string; name: string; role: string }[] | undefined;
export const loadTeam = async () => {
  team ??= (await api<{ people: { id: string; name: string; role: string }[] }>('GET', '/team')).people;
  return team;
};
const nameOf = (id: string | undefined) => (id ? (team?.find((p) => p.id === id)?.name ?? id) : '');

type D = TimelineEntry['detail'];
const s = (v: unknown) => (v === undefined ? '' : String(v));
const withReason = (text: string, d: D) => (d.reason ? `${text}: ${s(d.reason)}` : text);

/** One timeline entry in words. Lead-typed text stays out: notes are the team's own words. */
export const timelineText = (e: TimelineEntry, lang: Lang): string => {
  const d = e.detail;
  const nl = lang === 'nl';
  switch (e.kind) {
    case 'submitted':
      return nl ? `Formulier ingestuurd (${s(d.provider)})` : `Form submitted (${s(d.provider)})`;
    case 'spam':
      return nl ? `Als spam herkend (${s(d.reason)})` : `Recognised as spam (${s(d.reason)})`;
    case 'enriched': {
      const base = nl
        ? `Verrijkt: ${s(d.toolsOk)} van ${s(d.toolsTotal)} bronnen gaven antwoord, betrouwbaarheid ${s(d.confidence)}%`
        : `Enriched: ${s(d.toolsOk)} of ${s(d.toolsTotal)} sources answered, confidence ${s(d.confidence)}%`;
      return d.failed ? `${base} (${nl ? 'geen antwoord van' : 'no answer from'} ${s(d.failed)})` : base;
    }
    case 'scored':
      return `${nl ? 'Score' : 'Scored'} ${s(d.tier)} ${s(d.total)}${d.version ? ` (${nl ? 'versie' : 'version'} ${s(d.version)})` : ''}`;
    case 'routed': {
      const who = d.ownerId ? nameOf(s(d.ownerId)) : s(d.team);
      const sla = d.slaDueAt
        ? nl
          ? `; eerste contact vóór ${localTime(s(d.slaDueAt), lang)}`
          : `; first contact before ${localTime(s(d.slaDueAt), lang)}`
        : '';
      return `${nl ? 'Toegewezen aan' : 'Assigned to'} ${who} (${s(d.reason)})${sla}`;
    }
    case 'nurture':
      return `${nl ? 'Naar nurture' : 'To nurture'} (${s(d.reason)})`;
    case 'rationale':
      return nl ? 'Toelichting geschreven' : 'Rationale written';
    case 'drafted':
      return nl
        ? `Eerste e-mail opgesteld (${s(d.language).toUpperCase()}, ${d.handoff === 'auto' ? 'automatisch versturen' : 'wacht op controle'})`
        : `First email drafted (${s(d.language).toUpperCase()}, ${d.handoff === 'auto' ? 'automatic send' : 'waits for review'})`;
    case 'draft_edited':
      return nl ? 'Concept bewerkt' : 'Draft edited';
    case 'approved':
      return d.auto
        ? nl
          ? 'Automatisch goedgekeurd'
          : 'Approved automatically'
        : nl
          ? `Goedgekeurd${d.edited ? ' (bewerkt)' : ''}`
          : `Approved${d.edited ? ' (edited)' : ''}`;
    case 'rejected':
      return withReason(nl ? 'Concept afgewezen' : 'Draft rejected', d);
    case 'send_scheduled':
      return `${nl ? 'Verzending gepland op' : 'Sending scheduled for'} ${localTime(s(d.sendAfter), lang)}`;
    case 'sent':
      return d.auto
        ? nl
          ? `E-mail automatisch verstuurd uit naam van de eigenaar: “${s(d.subject)}”`
          : `Email sent automatically in the owner's name: “${s(d.subject)}”`
        : `${nl ? 'E-mail verstuurd' : 'Email sent'}: “${s(d.subject)}”`;
    case 'send_failed':
      return nl ? 'Verzenden mislukt' : 'Sending failed';
    case 'override':
      return withReason(
        `${nl ? 'Score aangepast naar' : 'Score overridden to'} ${[d.to, d.total].filter((v) => v !== undefined).join(' ')}`,
        d,
      );
    case 'reassigned':
      return withReason(
        `${nl ? 'Overgedragen van' : 'Reassigned from'} ${nameOf(s(d.from))} ${nl ? 'aan' : 'to'} ${nameOf(s(d.to))}`,
        d,
      );
    case 'outcome': {
      const label = OUTCOME_LABEL[lang][s(d.outcome)] ?? s(d.outcome);
      const value = d.value !== undefined ? ` (${s(d.value)})` : '';
      return withReason(`${nl ? 'Uitkomst' : 'Outcome'}: ${label}${value}`, d);
    }
    case 'reopened':
      return withReason(nl ? 'Heropend' : 'Reopened', d);
    case 'note':
      return `${nl ? 'Notitie' : 'Note'}: ${s(d.text)}`;
    case 'call': {
      const result = d.callResult ? (CALL_LABEL[lang][s(d.callResult)] ?? s(d.callResult)) : '';
      return `${nl ? 'Gebeld' : 'Call'}${result ? ` (${result})` : ''}${d.text ? `: ${s(d.text)}` : ''}`;
    }
    case 'failed':
      return nl ? `Verwerking mislukt bij stap ${s(d.step)}` : `Processing failed at step ${s(d.step)}`;
    default:
      return s(d.action) || e.kind;
  }
};

const byText = (e: TimelineEntry, lang: Lang) =>
  e.by === 'agent'
    ? lang === 'nl'
      ? 'systeem'
      : 'system'
    : e.by === 'prospect'
      ? lang === 'nl'
        ? 'prospect'
        : 'prospect'
      : (e.byName ?? e.by);

/** The timeline card: loads GET /leads/{id}/timeline; a failure says so in the card and the status line. */
export const timelineSection = (leadId: string): HTMLElement => {
  const lang = viewerLang();
  const list = h('ol', { class: 'timeline', 'aria-busy': 'true' }, h('li', { class: 'muted' }, 'Loading…'));
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-h' },
    h('h3', { id: 'timeline-h' }, lang === 'nl' ? 'Tijdlijn' : 'Timeline'),
    list,
  );
  void (async () => {
    try {
      await loadTeam().catch(() => undefined);
      const r = await api<{ entries: TimelineEntry[] }>(
        'GET',
        `/leads/${encodeURIComponent(leadId)}/timeline`,
      );
      list.replaceChildren(
        ...r.entries.map((e) =>
          h(
            'li',
            { 'data-kind': e.kind },
            h('time', { datetime: e.at }, localTime(e.at, lang)),
            h('span', { class: 'tl-text' }, untrusted(timelineText(e, lang))),
            h('span', { class: 'tl-by muted' }, byText(e, lang)),
          ),
        ),
      );
      if (!r.entries.length) list.replaceChildren(h('li', { class: 'muted' }, 'Nothing yet.'));
    } catch (e) {
      list.replaceChildren(
        h('li', { class: 'field-error' }, `The timeline cannot be loaded: ${(e as Error).message}`),
      );
      announce(`The timeline cannot be loaded: ${(e as Error).message}`, 'error');
    } finally {
      list.removeAttribute('aria-busy');
    }
  })();
  return card;
};

/* ------------------------------------------------------------------ actions ----------------------------- */

/** A small form that posts, shows field errors next to the fields and always says how it went. */
const actionForm = (opts: {
  id: string;
  title: string;
  fields: HTMLElement[];
  submit: string;
  run: () => Promise<string>;
  done: () => void;
}) => {
  const error = h('p', { class: 'field-error', id: `${opts.id}-err`, hidden: true, role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary', id: `${opts.id}-submit` }, opts.submit);
  const form = h(
    'form',
    {
      class: 'action',
      id: opts.id,
      'aria-describedby': `${opts.id}-err`,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        button.disabled = true;
        error.hidden = true;
        for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
        announce(`${opts.title}…`);
        try {
          const message = await opts.run();
          announce(message, 'ok');
          opts.done();
        } catch (e) {
          const issues = e instanceof ApiError ? e.issues : [];
          for (const i of issues)
            form.querySelector(`[name="${i.field}"]`)?.setAttribute('aria-invalid', 'true');
          const detail = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
          error.textContent = `${(e as Error).message}${detail ? ` (${detail})` : ''}`;
          error.hidden = false;
          announce(`${opts.title} failed: ${(e as Error).message}`, 'error');
        } finally {
          button.disabled = false;
        }
      },
    },
    ...opts.fields,
    error,
    h('div', { class: 'actions' }, button),
  );
  return h('details', { class: 'action-box' }, h('summary', {}, opts.title), form);
};

const field = (id: string, label: string, control: HTMLElement) => {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};
const select = (name: string, options: readonly (readonly [string, string])[], required = true) =>
  h(
    'select',
    { name, required },
    options.map(([value, label]) => h('option', { value }, label)),
  );

export interface ActionLead {
  readonly leadId: string;
  readonly status: string;
  readonly ownerId?: string | undefined;
  readonly hasScore: boolean;
}

/** The actions on a lead a person may take; ops read only. `refresh` reloads the lead after a change. */
export const actionsSection = (lead: ActionLead, me: Me, refresh: () => void): HTMLElement => {
  const lang = viewerLang();
  if (me.role === 'ops')
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'actions-h' },
      h('h3', { id: 'actions-h' }, 'Actions'),
      h('p', { class: 'muted' }, 'Ops see leads read-only; reps and managers act on them.'),
    );
  const path = (action: string) => `/leads/${encodeURIComponent(lead.leadId)}/${action}`;
  const closed = ['won', 'lost', 'disqualified'].includes(lead.status);

  const outcome = select(
    'outcome',
    OUTCOMES.map((o) => [o, OUTCOME_LABEL[lang][o] ?? o] as const),
  );
  const outcomeReason = h('input', { type: 'text', name: 'reason', maxlength: 1000 });
  const outcomeValue = h('input', {
    type: 'number',
    name: 'value',
    min: 0,
    step: 'any',
    inputmode: 'decimal',
  });
  const outcomeForm = actionForm({
    id: 'outcome-form',
    title: 'Record an outcome',
    submit: 'Record outcome',
    fields: [
      field('outcome', 'What happened', outcome),
      field('outcome-reason', 'Reason or note (optional)', outcomeReason),
      field('outcome-value', 'Deal value (won only, optional)', outcomeValue),
    ],
    run: async () => {
      await api('POST', path('outcome'), {
        outcome: outcome.value,
        ...(outcomeReason.value.trim() ? { reason: outcomeReason.value.trim() } : {}),
        ...(outcomeValue.value !== '' ? { value: Number(outcomeValue.value) } : {}),
      });
      return `Outcome recorded: ${OUTCOME_LABEL[lang][outcome.value] ?? outcome.value}`;
    },
    done: refresh,
  });

  const reopenReason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 1000 });
  const reopenForm = closed
    ? actionForm({
        id: 'reopen-form',
        title: 'Reopen this lead',
        submit: 'Reopen',
        fields: [field('reopen-reason', 'Why (required)', reopenReason)],
        run: async () => {
          await api('POST', path('reopen'), { reason: reopenReason.value.trim() });
          return 'Lead reopened';
        },
        done: refresh,
      })
    : null;

  const noteKind = select('kind', [
    ['call', 'Call'],
    ['note', 'Note'],
  ]);
  const callResult = select(
    'callResult',
    Object.entries(CALL_LABEL.en).map(([k, v]) => [k, v] as const),
  );
  const noteText = h('textarea', { name: 'text', rows: 3, maxlength: 4000 });
  noteKind.addEventListener('change', () => {
    callResult.disabled = noteKind.value !== 'call';
  });
  const noteForm = actionForm({
    id: 'note-form',
    title: 'Log a call or note',
    submit: 'Save to timeline',
    fields: [
      field('note-kind', 'Kind', noteKind),
      field('note-call-result', 'Call result', callResult),
      field('note-text', 'Note', noteText),
    ],
    run: async () => {
      const kind = noteKind.value;
      await api('POST', path('notes'), {
        kind,
        text: noteText.value,
        ...(kind === 'call' ? { callResult: callResult.value } : {}),
      });
      noteText.value = '';
      return kind === 'call' ? 'Call logged' : 'Note saved';
    },
    done: refresh,
  });

  const tier = select('tier', [
    ['hot', 'hot'],
    ['warm', 'warm'],
    ['cold', 'cold'],
  ]);
  const overrideReason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 1000 });
  const overrideForm = lead.hasScore
    ? actionForm({
        id: 'override-form',
        title: 'Override the score',
        submit: 'Override',
        fields: [
          field('override-tier', 'Tier', tier),
          field('override-reason', 'Reason (required)', overrideReason),
        ],
        run: async () => {
          await api('POST', path('override'), { tier: tier.value, reason: overrideReason.value.trim() });
          return `Score overridden to ${tier.value}`;
        },
        done: refresh,
      })
    : null;

  let reassignForm: HTMLElement | null = null;
  if (me.role === 'manager' && lead.ownerId) {
    const owner = h('select', { name: 'ownerId', required: true });
    void loadTeam()
      .then((people) =>
        owner.replaceChildren(
          ...people
            .filter((p) => p.id !== lead.ownerId)
            .map((p) => h('option', { value: p.id }, `${p.name} (${p.role})`)),
        ),
      )
      .catch((e: unknown) => announce(`The team cannot be loaded: ${(e as Error).message}`, 'error'));
    const reassignReason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 1000 });
    reassignForm = actionForm({
      id: 'reassign-form',
      title: 'Reassign',
      submit: 'Reassign',
      fields: [
        field('reassign-owner', 'New owner', owner),
        field('reassign-reason', 'Reason (required)', reassignReason),
      ],
      run: async () => {
        await api('POST', path('reassign'), { ownerId: owner.value, reason: reassignReason.value.trim() });
        return `Reassigned to ${nameOf(owner.value)}`;
      },
      done: refresh,
    });
  }

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'actions-h' },
    h('h3', { id: 'actions-h' }, 'Actions'),
    noteForm,
    closed ? reopenForm : outcomeForm,
    overrideForm,
    reassignForm,
  );
};

/* ------------------------------------------------------------------ the leads list ---------------------- */

export interface LeadFilter {
  q: string;
  status: string;
  tier: string;
  quadrant: string;
  owner: string;
  team: string;
  disposition: string;
  sort: 'priority' | 'sla';
}
export const emptyFilter = (): LeadFilter => ({
  q: '',
  status: '',
  tier: '',
  quadrant: '',
  owner: '',
  team: '',
  disposition: '',
  sort: 'priority',
});

const STATUS_OPTIONS = [
  'received',
  'routed',
  'drafted',
  'sent',
  'meeting',
  'nurture',
  'won',
  'lost',
  'disqualified',
  'spam',
  'failed',
];
const QUADRANT_OPTIONS = [
  ['act_now', 'Act now'],
  ['proactive_outreach', 'Proactive outreach'],
  ['nurture', 'Nurture'],
  ['monitor', 'Monitor'],
] as const;

const queryOf = (f: LeadFilter, limit: number, cursor?: string) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && !(k === 'sort' && v === 'priority')) params.set(k, v);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
};

/**
 * One screenful of the list: pages of GET /leads (one index query each) until `want` leads or the end. A
 * filtered page may hold few leads; following the cursor a bounded number of times fills the screen.
 */
export const fetchLeads = async (f: LeadFilter, want: number, cursor?: string) => {
  const items: LeadListItem[] = [];
  let next = cursor;
  for (let requests = 0; requests < 10; requests++) {
    const r = await api<{ items: LeadListItem[]; nextCursor?: string }>(
      'GET',
      `/leads?${queryOf(f, Math.min(200, want - items.length), next)}`,
    );
    items.push(...r.items);
    next = r.nextCursor;
    if (!next || items.length >= want) break;
  }
  return { items, next };
};

/** The filter form: changes apply at once (the search box after a short pause). */
export const filterForm = (f: LeadFilter, me: Me, apply: () => void): HTMLElement => {
  const bind = (el: HTMLInputElement | HTMLSelectElement, key: keyof LeadFilter, delay = 0) => {
    el.value = f[key];
    let timer: ReturnType<typeof setTimeout> | undefined;
    el.addEventListener(el instanceof HTMLInputElement ? 'input' : 'change', () => {
      (f as unknown as Record<string, string>)[key] = el.value;
      clearTimeout(timer);
      timer = setTimeout(apply, delay);
    });
    return el;
  };
  const opt = (pairs: readonly (readonly [string, string])[], any: string) => [
    h('option', { value: '' }, any),
    ...pairs.map(([v, l]) => h('option', { value: v }, l)),
  ];
  const owner = h('select', { name: 'owner' }, opt([['unassigned', 'Nobody (nurture)']], 'Anyone'));
  if (me.role !== 'sales')
    void loadTeam()
      .then((people) => {
        owner.append(...people.map((p) => h('option', { value: p.id }, p.name)));
        owner.value = f.owner;
      })
      .catch((e: unknown) => announce(`The team cannot be loaded: ${(e as Error).message}`, 'error'));
  return h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter leads',
      onsubmit: (ev: Event) => ev.preventDefault(),
    },
    h(
      'div',
      { class: 'field wide' },
      h('label', { for: 'f-q' }, 'Search company, name or email'),
      bind(h('input', { type: 'search', id: 'f-q', name: 'q', autocomplete: 'off' }), 'q', 350),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-status' }, 'Status'),
      bind(
        h(
          'select',
          { id: 'f-status', name: 'status' },
          opt(
            STATUS_OPTIONS.map((v) => [v, v]),
            'Any status',
          ),
        ),
        'status',
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-tier' }, 'Tier'),
      bind(
        h(
          'select',
          { id: 'f-tier', name: 'tier' },
          opt(
            [
              ['hot', 'hot'],
              ['warm', 'warm'],
              ['cold', 'cold'],
            ],
            'Any tier',
          ),
        ),
        'tier',
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-quadrant' }, 'Quadrant'),
      bind(h('select', { id: 'f-quadrant', name: 'quadrant' }, opt(QUADRANT_OPTIONS, 'Any')), 'quadrant'),
    ),
    me.role !== 'sales'
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'f-owner' }, 'Owner'),
          bind(Object.assign(owner, { id: 'f-owner' }), 'owner'),
        )
      : null,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-team' }, 'Team'),
      bind(h('input', { type: 'text', id: 'f-team', name: 'team', autocomplete: 'off' }), 'team', 350),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-disposition' }, 'Disposition'),
      bind(
        h('input', { type: 'text', id: 'f-disposition', name: 'disposition', autocomplete: 'off' }),
        'disposition',
        350,
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-sort' }, 'Sort by'),
      bind(
        h(
          'select',
          { id: 'f-sort', name: 'sort' },
          h('option', { value: 'priority' }, 'Priority (tier, then SLA)'),
          h('option', { value: 'sla' }, 'SLA due soonest'),
        ),
        'sort',
      ),
    ),
  );
};

const STATUS_CLASS: Record<string, string> = {
  drafted: 'pending',
  routed: 'approved',
  sent: 'sent',
  meeting: 'sent',
  won: 'sent',
  lost: 'rejected',
  disqualified: 'rejected',
  spam: 'rejected',
  failed: 'failed',
};

/** One row of the leads list: company and person, tier and total, state, owner, SLA. */
export const leadRow = (i: LeadListItem, selected: boolean): HTMLElement =>
  h(
    'li',
    {},
    h(
      'a',
      {
        href: `#lead/${i.leadId}`,
        class: 'lead-link',
        'data-lead': i.leadId,
        'aria-current': selected ? 'true' : null,
      },
      h(
        'span',
        { class: 'row1' },
        i.tier
          ? h('span', { class: `badge tier-${i.tier}` }, i.tier)
          : h('span', { class: 'badge' }, 'unscored'),
        h(
          'span',
          { class: 'who' },
          ...[i.company, i.personName]
            .filter((x): x is string => !!x)
            .flatMap((p, n) => [...(n > 0 ? [' · '] : []), untrusted(p) as HTMLElement]),
        ),
        i.total !== undefined ? h('span', { class: 'total' }, String(i.total)) : null,
        i.alert
          ? h(
              'span',
              {
                class: 'badge alert-mark',
                title: `Score rose ${i.alert.fromTier} → ${i.alert.toTier}${i.alert.reasons.includes('act_now') ? ', act now' : ''}`,
              },
              'raised',
            )
          : null,
      ),
      h(
        'span',
        { class: 'row3' },
        h('span', { class: `badge status-${STATUS_CLASS[i.leadStatus] ?? 'none'}` }, i.leadStatus),
        h('span', { class: 'owner' }, i.ownerName ?? (i.routeKind === 'nurture' ? 'nurture' : 'no owner')),
        i.disposition ? h('span', { class: 'muted' }, i.disposition.replace(/_/g, ' ')) : null,
        ['routed', 'drafted'].includes(i.leadStatus) ? slaTime(i.slaDueAt) : null,
      ),
      i.sentAt
        ? h('span', { class: 'subject' }, `Sent ${localTime(i.sentAt)}: `, untrusted(i.subject))
        : i.status === 'pending'
          ? h('span', { class: 'subject' }, 'Draft waiting: ', untrusted(i.subject))
          : null,
    ),
  );
