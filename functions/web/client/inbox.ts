/**
 * The sales workspace (GET /): two lists — pending drafts ordered by the API (hot first, then SLA) and every
 * lead with filters (`#leads`) — live SLA countdowns, and a lead view with the rationale, the draft editor
 * (save, approve and send after a confirmation, reject with a reason), the actions on the lead, the timeline,
 * the score per axis with its ledger, and enrichment facts. `#lead/<id>` in the address opens a lead;
 * `#leads?ids=<id,…>&label=<what>` lists exactly those leads (the leads behind an insights figure).
 */

// The API's own types, as types only: nothing of the server is bundled into the page.
import type { LeadView } from '../../agent/lead-record';
import type { InboxItem } from '../../agent/pipeline/review';
import type { LeadListItem } from '../../agent/pipeline/workspace';
import type { LedgerEntry } from '../../agent/qualification';
import {
  ApiError,
  announce,
  api,
  byId,
  clearToken,
  formatDate,
  h,
  type Me,
  session,
  showIdentity,
  slaTime,
  sleep,
  startSlaClock,
  untrusted,
  visible,
} from './lib';
import {
  actionsSection,
  emptyFilter,
  fetchLeads,
  filterForm,
  leadRow,
  setViewerLang,
  timelineSection,
  viewerLang,
} from './workspace';

const QUADRANT = {
  act_now: 'Act now',
  proactive_outreach: 'Proactive outreach',
  nurture: 'Nurture',
  monitor: 'Monitor',
} as Record<string, string>;
const AXES = ['fit', 'intent', 'engagement'] as const;
const AXIS_LABEL = { fit: 'Fit', intent: 'Intent', engagement: 'Engagement' } as const;

const main = byId('main');
let items: InboxItem[] = [];
let me: Me;
/** Which list the left column shows: the drafts to review, or every lead with filters. */
let view: 'drafts' | 'leads' = 'drafts';
let leadItems: LeadListItem[] = [];
let leadsCursor: string | undefined;
const filter = emptyFilter();
/** The leads list shows exactly these leads (`#leads?ids=…&label=…`), instead of all leads with filters. */
let picked: { readonly ids: string; readonly label: string } | undefined;
/** `#leads?ids=…&label=…` in the address, else undefined. */
const pickedOfHash = () => {
  if (!location.hash.startsWith('#leads?')) return undefined;
  const q = new URLSearchParams(location.hash.slice('#leads?'.length));
  const ids = q.get('ids');
  return ids ? { ids, label: q.get('label') || 'chosen leads' } : undefined;
};
/** Where "back to the list" goes: the list shown now. */
const listHash = () =>
  view === 'drafts'
    ? '#drafts'
    : picked
      ? `#leads?${new URLSearchParams({ ids: picked.ids, label: picked.label })}`
      : '#leads';
/** Leads per screenful of the leads list. */
const LEADS_SCREEN = 50;

const tierBadge = (tier: string) => h('span', { class: `badge tier-${tier}` }, tier);

/** The three axis scores (a drafted lead always has them; a dash where one is missing). */
const miniScores = (s: {
  fit?: number | undefined;
  intent?: number | undefined;
  engagement?: number | undefined;
}) =>
  h(
    'span',
    { class: 'mini' },
    AXES.map((a) =>
      h(
        'span',
        { class: 'mini-axis', title: `${AXIS_LABEL[a]} ${s[a] ?? '–'}` },
        h('abbr', { title: AXIS_LABEL[a] }, AXIS_LABEL[a][0]!),
        ` ${s[a] ?? '–'}`,
      ),
    ),
  );

/** Company and person as the lead typed them: each isolated (`<bdi>`), invisible characters removed. */
const who = (i: InboxItem): (Node | string)[] => {
  const parts = [i.company, i.personName].filter((x): x is string => !!x);
  if (!parts.length) return [i.leadId];
  return parts.flatMap((p, n) => [...(n > 0 ? [' · '] : []), untrusted(p) as HTMLElement]);
};

/* ------------------------------------------------------------------ list ------------------------------------ */

const renderList = (selected?: string) => {
  if (view !== 'drafts') return renderLeadList(selected);
  const list = byId('leads');
  byId('count').textContent = `${items.length}${nextCursor ? '+' : ''} waiting`;
  if (!items.length) {
    list.replaceChildren(h('li', { class: 'empty' }, 'No drafts waiting for review. Nice work.'));
    return;
  }
  list.replaceChildren(
    ...items.map((i) =>
      h(
        'li',
        {},
        h(
          'a',
          {
            href: `#lead/${i.leadId}`,
            class: 'lead-link',
            'data-lead': i.leadId,
            'aria-current': i.leadId === selected ? 'true' : null,
          },
          h(
            'span',
            { class: 'row1' },
            tierBadge(i.tier ?? 'cold'),
            h('span', { class: 'who' }, who(i)),
            h('span', { class: 'total' }, String(i.total)),
          ),
          h('span', { class: 'row2' }, h('span', { class: 'subject' }, untrusted(i.subject))),
          h(
            'span',
            { class: 'row3' },
            miniScores(i),
            // A manager's inbox holds everyone's drafts: whose is this one.
            me.role !== 'sales'
              ? h('span', { class: 'owner' }, i.ownerName ?? i.ownerId ?? 'no owner')
              : null,
            i.humanReviewRequired ? h('span', { class: 'flag' }, 'review required') : null,
            slaTime(i.slaDueAt),
          ),
        ),
      ),
    ),
  );
};

/** Drafts per request; the list grows by a page with "Show more". */
const PAGE_SIZE = 100;
/** Where the next page starts (the API's `nextCursor`); undefined when everything is listed. */
let nextCursor: string | undefined;

const fetchPage = (cursor?: string) =>
  api<{ items: InboxItem[]; nextCursor?: string }>(
    'GET',
    `/drafts?status=pending&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );

const showMoreButton = () => {
  const more = document.getElementById('more');
  if (more) more.hidden = (view === 'drafts' ? nextCursor : leadsCursor) === undefined;
};

/** Says on screen that the list is not up to date (a refresh failed), or clears that note. */
const listState = (error?: unknown) => {
  const el = document.getElementById('list-state');
  if (!el) return;
  if (error === undefined) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  const at = new Date().toLocaleTimeString(viewerLang() === 'nl' ? 'nl-NL' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
  el.textContent = `Not up to date: refreshing failed at ${at} (${(error as Error).message}). Use Refresh to try again.`;
  el.hidden = false;
};

const renderLeadList = (selected?: string) => {
  const list = byId('leads');
  byId('count').textContent = `${leadItems.length}${leadsCursor ? '+' : ''} shown`;
  if (!leadItems.length) {
    list.replaceChildren(h('li', { class: 'empty' }, 'No leads match these filters.'));
    return;
  }
  list.replaceChildren(...leadItems.map((i) => leadRow(i, i.leadId === selected)));
};

/**
 * Numbers the list loads: only the newest one renders or reports. An older, slower answer (the first load, a
 * timer refresh) arriving after a newer one must not overwrite it — nor clear the "not up to date" note of a
 * refresh that failed after it started.
 */
let listLoads = 0;

/**
 * (Re)loads the leads list from the top: a screenful, or as many as are shown now. False when a newer load
 * started meanwhile (this answer was dropped).
 */
const loadLeads = async (fresh = false, load = ++listLoads): Promise<boolean> => {
  const list = byId('leads');
  list.setAttribute('aria-busy', 'true');
  if (fresh || !leadItems.length) list.replaceChildren(h('li', { class: 'empty' }, 'Loading leads…'));
  try {
    const r = picked
      ? {
          items: (await api<{ items: LeadListItem[] }>('GET', `/leads?ids=${encodeURIComponent(picked.ids)}`))
            .items,
          next: undefined,
        }
      : await fetchLeads(filter, fresh ? LEADS_SCREEN : Math.max(LEADS_SCREEN, leadItems.length));
    if (load !== listLoads) return false;
    leadItems = r.items;
    leadsCursor = r.next;
    renderLeadList(currentLeadId());
    showMoreButton();
    return true;
  } catch (error) {
    if (load !== listLoads) return false;
    throw error;
  } finally {
    if (load === listLoads) list.removeAttribute('aria-busy');
  }
};

const loadMoreLeads = async () => {
  if (!leadsCursor) return;
  const r = await fetchLeads(filter, LEADS_SCREEN, leadsCursor);
  const known = new Set(leadItems.map((i) => i.leadId));
  leadItems = [...leadItems, ...r.items.filter((i) => !known.has(i.leadId))];
  leadsCursor = r.next;
  renderLeadList(currentLeadId());
  showMoreButton();
  announce(`${r.items.length} more lead(s) listed`);
};

/** (Re)loads the list from the top, as many items as are shown now (at least one page); the newest load wins. */
const loadList = async () => {
  const load = ++listLoads;
  if (view === 'leads') {
    if (await loadLeads(false, load)) listState();
    return;
  }
  const want = Math.max(items.length, PAGE_SIZE);
  const loaded: InboxItem[] = [];
  let cursor: string | undefined;
  try {
    do {
      const r = await fetchPage(cursor);
      loaded.push(...r.items);
      cursor = r.nextCursor;
    } while (cursor && loaded.length < want);
  } catch (error) {
    if (load !== listLoads) return;
    throw error;
  }
  if (load !== listLoads) return;
  items = loaded;
  nextCursor = cursor;
  renderList(currentLeadId());
  showMoreButton();
  listState();
};

const loadMore = async () => {
  if (view === 'leads') return loadMoreLeads();
  if (!nextCursor) return;
  const r = await fetchPage(nextCursor);
  const known = new Set(items.map((i) => i.leadId));
  items = [...items, ...r.items.filter((i) => !known.has(i.leadId))];
  nextCursor = r.nextCursor;
  renderList(currentLeadId());
  showMoreButton();
  announce(`${r.items.length} more draft(s) listed`);
};

/* ------------------------------------------------------------------ lead view ------------------------------- */

const currentLeadId = () => /^#lead\/([0-9A-Za-z]+)$/.exec(location.hash)?.[1];

const pts = (n: number) => (n > 0 ? `+${n}` : String(n));

const observedText = (o: unknown): string => {
  if (o === undefined || o === null) return '';
  if (Array.isArray(o)) return o.map(observedText).join(', ');
  if (typeof o === 'object') {
    return Object.entries(o as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${observedText(v)}`)
      .join('; ');
  }
  return String(o);
};

const ledgerItem = (e: LedgerEntry) =>
  h(
    'li',
    { class: e.fired ? (e.awarded < 0 ? 'neg' : 'pos') : 'off' },
    h('span', { class: 'pts' }, e.fired ? pts(e.awarded) : pts(e.points)),
    h(
      'span',
      { class: 'reason' },
      e.reason,
      e.observed !== undefined && observedText(e.observed)
        ? h('span', { class: 'observed' }, ` (saw ${observedText(e.observed)})`)
        : null,
      e.note ? h('span', { class: 'note' }, ` — ${e.note}`) : null,
    ),
  );

const scoreSection = (lead: LeadView) => {
  const s = lead.score;
  if (!s) return h('section', { class: 'card' }, h('h3', {}, 'Score'), h('p', {}, 'Not scored yet.'));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'score-h' },
    h('h3', { id: 'score-h' }, 'Score'),
    h(
      'p',
      { class: 'score-head' },
      tierBadge(s.tier),
      h('strong', { class: 'big' }, String(s.total)),
      h(
        'span',
        {},
        ` ${QUADRANT[s.quadrant] ?? s.quadrant} · data confidence ${Math.round(s.dataConfidence * 100)}% · rules ${s.rulesVersion}`,
      ),
    ),
    lead.override
      ? h(
          'p',
          { class: 'note' },
          `Score overridden${lead.override.tier ? ` to ${lead.override.tier}` : ''}${lead.override.total !== undefined ? ` (${lead.override.total})` : ''}${lead.override.by ? ` by ${lead.override.by}` : ''}: ${lead.override.reason ?? ''}`,
        )
      : null,
    s.bant
      ? h(
          'p',
          { class: 'bant' },
          'BANT: ',
          Object.entries(s.bant).map(([k, v]) =>
            h('span', { class: v ? 'yes' : 'no' }, `${k} ${v ? '✓' : '✗'}`),
          ),
        )
      : null,
    h(
      'div',
      { class: 'axes' },
      AXES.map((axis) => {
        const entries = s.ledger.filter((e) => e.axis === axis);
        const fired = entries.filter((e) => e.fired);
        const notFired = entries.filter((e) => !e.fired);
        return h(
          'div',
          { class: 'axis' },
          h('h4', {}, `${AXIS_LABEL[axis]} `, h('span', { class: 'axis-score' }, String(s[axis]))),
          h('meter', {
            min: 0,
            max: 100,
            value: Math.max(0, s[axis]),
            'aria-label': `${AXIS_LABEL[axis]} score`,
          }),
          fired.length
            ? h('ul', { class: 'ledger' }, fired.map(ledgerItem))
            : h('p', { class: 'muted' }, 'No rule fired.'),
          notFired.length
            ? h(
                'details',
                {},
                h('summary', {}, `${notFired.length} rule${notFired.length === 1 ? '' : 's'} did not fire`),
                h('ul', { class: 'ledger' }, notFired.map(ledgerItem)),
              )
            : null,
        );
      }),
    ),
  );
};

const fact = (term: string, ...value: (string | Node | null | undefined | false)[]) =>
  value.some((v) => v) ? [h('dt', {}, term), h('dd', {}, ...value)] : [];

const enrichmentSection = (lead: LeadView) => {
  const e = lead.enrichment;
  if (!e) return h('section', { class: 'card' }, h('h3', {}, 'Enrichment'), h('p', {}, 'Not enriched yet.'));
  const email = e.email
    ? `${e.email.domain} — ${e.email.freeMail ? 'free mail' : e.email.disposable ? 'disposable' : e.email.businessDomain ? 'business domain' : 'other'}${e.email.mx === false ? ', no MX' : ''}`
    : null;
  const reg = e.registry
    ? `${e.registry.legalName} (${e.registry.source === 'kvk' ? `KvK ${e.registry.kvkNumber ?? ''}`.trim() : 'directory'}) · ${e.registry.industry}${e.registry.employees !== undefined ? ` · ${e.registry.employees} employees` : ''}${e.registry.address?.city ? ` · ${e.registry.address.city}` : ''}`
    : null;
  const web = e.website
    ? `${e.website.title ?? e.website.finalUrl}${e.website.technologies.length ? ` · uses ${e.website.technologies.map((t) => t.name).join(', ')}` : ''}`
    : null;
  const tools = e.tools
    ? Object.entries(e.tools)
        .map(([name, t]) => `${name} ${t.status}${t.cached ? ' (cached)' : ''}`)
        .join(', ')
    : null;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'enrich-h' },
    h('h3', { id: 'enrich-h' }, 'Enrichment'),
    h(
      'dl',
      { class: 'facts' },
      fact('Email', email),
      fact('Registry', untrusted(reg)),
      fact('Website', untrusted(web)),
      fact('Phone', e.phone ? `${e.phone.e164}${e.phone.type ? ` (${e.phone.type})` : ''}` : null),
      fact('Country', e.geo?.country ? `${e.geo.country} (from ${e.geo.sources.join(', ')})` : 'unknown'),
      fact(
        'Intent signals',
        e.intent?.signals.length
          ? untrusted(e.intent.signals.map((s) => `${s.type}: ${s.detail}`).join('; '))
          : 'none found',
      ),
      fact('Confidence', e.confidence !== undefined ? `${Math.round(e.confidence * 100)}%` : null),
      fact('Tools', tools),
    ),
  );
};

const leadSection = (lead: LeadView) => {
  const p = lead.lead.person;
  const name = p.fullName ?? ([p.firstName, p.lastName].filter(Boolean).join(' ') || 'Unknown person');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'who-h' },
    h('h3', { id: 'who-h' }, 'Contact and route'),
    h(
      'dl',
      { class: 'facts' },
      fact('Person', untrusted(name), p.jobTitle ? ', ' : null, untrusted(p.jobTitle)),
      fact('Email', untrusted(p.email)),
      fact('Company', untrusted(lead.lead.company.name)),
      fact('Form', lead.lead.formType),
      fact('Language', lead.lead.language),
      fact('Submitted', formatDate(lead.lead.submittedAt)),
      fact(
        'Route',
        lead.route
          ? `${lead.route.kind === 'nurture' ? 'nurture' : (lead.route.team ?? lead.route.ownerId ?? '')} — ${lead.route.reason}`
          : null,
      ),
      fact('Message', lead.lead.message ? h('q', {}, untrusted(lead.lead.message)) : null),
    ),
  );
};

const rationaleSection = (lead: LeadView) => {
  const r = lead.rationale;
  if (!r) return null;
  const by =
    r.provider === 'template'
      ? `Written by template${r.fallbackReason ? ` (${r.fallbackReason})` : ''}`
      : `Written by LLM${r.model ? ` (${r.model})` : ''}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'why-h' },
    h(
      'h3',
      { id: 'why-h' },
      'Rationale ',
      h('span', { class: `badge by-${r.provider === 'template' ? 'template' : 'llm'}` }, by),
    ),
    rationaleBody(r.text),
    h('p', {}, h('strong', {}, 'Next action: '), untrusted(r.nextAction)),
    h('p', { class: 'small' }, h('a', { href: '#score-h', onclick: openLedger }, 'Full score ledger')),
  );
};

/**
 * The rationale as short lines (one per line of text), or the paragraph an older rationale is; the first-call
 * questions after a blank line stay one click away.
 */
const rationaleBody = (text: string) => {
  const [head = '', ...rest] = text.split('\n\n');
  const lines = head
    .split('\n')
    .map((l) => l.replace(/^[-•*]\s*/, '').trim())
    .filter(Boolean);
  const more = rest.join('\n\n').trim();
  const [title, ...questions] = more.split('\n');
  return h(
    'div',
    {},
    lines.length > 1
      ? h(
          'ul',
          { class: 'rationale-lines' },
          lines.map((l) => h('li', {}, untrusted(l))),
        )
      : h('p', {}, untrusted(head)),
    more
      ? h(
          'details',
          {},
          h('summary', {}, untrusted(title?.replace(/:$/, '') ?? '')),
          h(
            'ul',
            {},
            questions.map((q) => h('li', {}, untrusted(q.replace(/^[-•*]\s*/, '')))),
          ),
        )
      : null,
  );
};

/** Opens every ledger detail and moves focus to the score (the full ledger is one click away). */
const openLedger = (ev: Event) => {
  ev.preventDefault();
  for (const d of document.querySelectorAll<HTMLDetailsElement>('.axis details')) d.open = true;
  const heading = document.getElementById('score-h');
  heading?.setAttribute('tabindex', '-1');
  heading?.scrollIntoView();
  heading?.focus();
};

const NL_WORDS = new Set(
  'de het een en van ik u uw je jij we wij is zijn niet met voor op dat die graag bedankt dank groet beste hartelijke vriendelijke aanvraag gesprek wilt kunnen ons onze bij naar ook'.split(
    ' ',
  ),
);
const EN_WORDS = new Set(
  'the a an and of i you your we is are not with for on that this thanks thank regards best dear kind request call would could our at to also'.split(
    ' ',
  ),
);
/** The language the text is written in, by its common words; `fallback` when it cannot tell. */
const guessLanguage = (text: string, fallback: string): string => {
  let nl = 0;
  let en = 0;
  for (const w of text.toLowerCase().split(/[^a-zà-ÿ]+/)) {
    if (NL_WORDS.has(w)) nl++;
    if (EN_WORDS.has(w)) en++;
  }
  return nl === en ? fallback : nl > en ? 'nl' : 'en';
};

const draftSection = (lead: LeadView) => {
  const d = lead.draft;
  if (!d) return h('section', { class: 'card' }, h('h3', {}, 'Draft'), h('p', {}, 'No draft yet.'));
  const editable = d.status === 'pending';
  const subject = h('input', {
    id: 'draft-subject',
    name: 'subject',
    type: 'text',
    value: d.subject,
    dir: 'auto',
    required: true,
    readonly: !editable,
  });
  const body = h('textarea', {
    id: 'draft-body',
    name: 'body',
    rows: 12,
    dir: 'auto',
    required: true,
    readonly: !editable,
  });
  body.value = visible(d.body);
  const subjectErr = h('p', { id: 'draft-subject-err', class: 'field-error', hidden: true });
  const bodyErr = h('p', { id: 'draft-body-err', class: 'field-error', hidden: true });
  subject.setAttribute('aria-describedby', 'draft-subject-err');
  body.setAttribute('aria-describedby', 'draft-body-err');
  const reason = h('textarea', {
    id: 'reject-reason',
    name: 'reason',
    rows: 2,
    'aria-describedby': 'reject-reason-err',
  });
  const reasonErr = h('p', { id: 'reject-reason-err', class: 'field-error', hidden: true });
  const busy = (on: boolean) => {
    for (const b of form.querySelectorAll('button')) b.disabled = on;
  };
  const showIssues = (e: unknown) => {
    const issues = e instanceof ApiError ? e.issues : [];
    for (const [field, el, input] of [
      ['subject', subjectErr, subject],
      ['body', bodyErr, body],
      ['reason', reasonErr, reason],
    ] as const) {
      const msg = issues.find((i) => i.field === field || i.field.endsWith(`.${field}`))?.message;
      el.textContent = msg ?? '';
      el.hidden = !msg;
      if (msg) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    // Nothing went wrong (a successful save clears the fields' errors): nothing to announce.
    if (e === null || e === undefined) return;
    if (e instanceof ApiError && e.status === 401) {
      clearToken();
      announce('Your session expired: sign in again', 'error');
      setTimeout(() => location.reload(), 1500);
      return;
    }
    announce((e as Error).message, 'error');
  };
  const edited = () => subject.value !== d.subject || body.value !== d.body;

  const approve = async () => {
    busy(true);
    announce('Approving…');
    try {
      const r = await api<{ message?: string }>(
        'POST',
        `/drafts/${lead.leadId}/approve`,
        edited() ? { subject: subject.value, body: body.value } : {},
      );
      announce(r?.message ? `Approved. ${r.message}. Sending…` : 'Approved. Sending…', 'ok');
      items = items.filter((i) => i.leadId !== lead.leadId);
      renderList(lead.leadId);
      await followUntilSent(lead.leadId);
    } catch (e) {
      busy(false);
      showIssues(e);
    }
  };
  const save = async () => {
    busy(true);
    try {
      const r = await api<{ message?: string }>('PUT', `/drafts/${lead.leadId}`, {
        subject: subject.value,
        body: body.value,
      });
      if (r?.message) {
        // The server removed hidden characters or HTML: show the text that was saved.
        const saved = (await api<LeadView>('GET', `/leads/${lead.leadId}`)).draft;
        if (saved) {
          subject.value = saved.subject;
          body.value = saved.body;
        }
      }
      d.subject = subject.value;
      d.body = body.value;
      const item = items.find((i) => i.leadId === lead.leadId);
      if (item) item.subject = subject.value;
      renderList(lead.leadId);
      showIssues(null);
      announce(r?.message ? `Draft saved. ${r.message}` : 'Draft saved', 'ok');
    } catch (e) {
      showIssues(e);
    } finally {
      busy(false);
    }
  };
  const reject = async () => {
    if (!reason.value.trim()) {
      reasonErr.textContent = 'Say why you reject this draft';
      reasonErr.hidden = false;
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      announce('A reason is required to reject', 'error');
      return;
    }
    busy(true);
    try {
      await api('POST', `/drafts/${lead.leadId}/reject`, { reason: reason.value.trim() });
      announce('Draft rejected', 'ok');
      items = items.filter((i) => i.leadId !== lead.leadId);
      renderList();
      await openLead(lead.leadId, false);
    } catch (e) {
      busy(false);
      showIssues(e);
    }
  };

  /** Shows exactly what goes out, to whom, before anything is sent; only "Send now" approves. */
  const confirmSend = () => {
    if (!subject.value.trim() || !body.value.trim()) {
      showIssues(
        new ApiError(400, 'Subject and body are required', [
          ...(subject.value.trim() ? [] : [{ field: 'subject', message: 'Write a subject' }]),
          ...(body.value.trim() ? [] : [{ field: 'body', message: 'Write the email' }]),
        ]),
      );
      return;
    }
    const close = () => {
      dialog.close();
      dialog.remove();
      byId<HTMLButtonElement>('approve').focus();
    };
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-h' },
      h('h2', { id: 'confirm-h', tabindex: -1 }, 'Send this email?'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'To'),
        h('dd', {}, untrusted(lead.lead.person.email) ?? ''),
        h('dt', {}, 'Subject'),
        h('dd', { id: 'confirm-subject' }, untrusted(subject.value)),
        h('dt', {}, 'Language'),
        h('dd', {}, guessLanguage(`${subject.value} ${body.value}`, d.language).toUpperCase()),
      ),
      h('div', { class: 'mail-preview pre', id: 'confirm-body' }, untrusted(body.value)),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'confirm-send',
            onclick: () => {
              close();
              void approve();
            },
          },
          'Send now',
        ),
        h('button', { type: 'button', id: 'confirm-cancel', onclick: close }, 'Keep editing'),
      ),
    );
    dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      close();
    });
    document.body.append(dialog);
    dialog.showModal();
    byId('confirm-h').focus();
  };
  // Enter in the subject line never sends: it moves on to the body.
  subject.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      body.focus();
    }
  });
  const langBadge = h(
    'span',
    { class: 'badge lang', id: 'draft-language', title: 'Language of the text as written' },
    d.language.toUpperCase(),
  );
  const followLanguage = () => {
    langBadge.textContent = guessLanguage(`${subject.value} ${body.value}`, d.language).toUpperCase();
  };
  subject.addEventListener('input', followLanguage);
  body.addEventListener('input', followLanguage);

  const form = h(
    'form',
    {
      class: 'draft',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        confirmSend();
      },
    },
    h('label', { for: 'draft-subject' }, 'Subject'),
    subject,
    subjectErr,
    h('label', { for: 'draft-body' }, 'Body'),
    body,
    bodyErr,
    d.guardrail.issues.length
      ? h(
          'div',
          { class: d.guardrail.passed ? 'guard warn' : 'guard fail', role: 'note' },
          h('strong', {}, d.guardrail.passed ? 'Guardrail notes' : 'Guardrail blocked auto-send'),
          h(
            'ul',
            {},
            d.guardrail.issues.map((i) => h('li', {}, i)),
          ),
        )
      : null,
    editable
      ? [
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'submit', class: 'primary', id: 'approve' }, 'Approve and send'),
            h('button', { type: 'button', id: 'save', onclick: () => void save() }, 'Save draft'),
          ),
          h(
            'details',
            { class: 'reject' },
            h('summary', {}, 'Reject this draft…'),
            h('label', { for: 'reject-reason' }, 'Reason (required)'),
            reason,
            reasonErr,
            h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', class: 'danger', id: 'reject', onclick: () => void reject() },
                'Reject draft',
              ),
            ),
          ),
        ]
      : null,
  );
  return h(
    'section',
    { class: 'card draft-card', 'aria-labelledby': 'draft-h' },
    h(
      'h3',
      { id: 'draft-h' },
      'First email ',
      h('span', { class: `badge status-${d.status}`, id: 'draft-status' }, d.status),
      langBadge,
      h('span', { class: 'muted small' }, ` handoff: ${d.handoff}`),
    ),
    form,
  );
};

const renderLead = (lead: LeadView) => {
  const pane = byId('lead');
  const item = items.find((i) => i.leadId === lead.leadId);
  const title = lead.lead.company.name ?? item?.company ?? 'Lead';
  pane.replaceChildren(
    h(
      'header',
      { class: 'lead-head' },
      h('a', { class: 'back', href: listHash() }, '← Back to the list'),
      h('h2', { id: 'lead-title', tabindex: -1 }, untrusted(title)),
      h(
        'p',
        { class: 'muted' },
        'Lead status: ',
        h('strong', { id: 'lead-status' }, lead.status),
        lead.route?.slaDueAt && ['routed', 'drafted'].includes(lead.status)
          ? [' · first contact ', slaTime(lead.route.slaDueAt)]
          : null,
        ' · owner ',
        h('strong', {}, ownerLabel(lead)),
      ),
      lead.alert
        ? h(
            'p',
            { class: 'alert-note', id: 'lead-alert', role: 'note' },
            `Score rose ${lead.alert.fromTier} → ${lead.alert.toTier}${lead.alert.reasons.includes('act_now') ? ' (act now)' : ''} ${formatDate(lead.alert.at)}; the owner was ${lead.alert.email === 'sent' ? 'emailed' : `not emailed (${lead.alert.email})`}.`,
          )
        : null,
      lead.escalation
        ? h(
            'p',
            { class: 'alert-note', id: 'lead-escalation', role: 'note' },
            lead.escalation.action === 'reassign'
              ? `First-contact SLA (${formatDate(lead.escalation.slaDueAt)}) missed by ${lead.escalation.fromOwnerId}: reassigned to ${lead.escalation.toOwnerId ?? '?'} ${formatDate(lead.escalation.at)}.`
              : `First-contact SLA (${formatDate(lead.escalation.slaDueAt)}) missed by ${lead.escalation.fromOwnerId}: ${lead.escalation.managerId ?? 'the manager'} ${lead.escalation.email === 'sent' ? 'was emailed' : `not emailed (${lead.escalation.email})`} ${formatDate(lead.escalation.at)}.`,
          )
        : null,
    ),
    h(
      'div',
      { class: 'lead-grid' },
      h(
        'div',
        {},
        rationaleSection(lead),
        draftSection(lead),
        actionsSection(
          {
            leadId: lead.leadId,
            status: lead.status,
            ownerId: lead.route?.ownerId,
            hasScore: !!lead.score,
          },
          me,
          () => {
            void openLead(lead.leadId, false);
            void loadList().catch((e: unknown) => listState(e));
          },
        ),
        timelineSection(lead.leadId),
      ),
      h('div', {}, scoreSection(lead), leadSection(lead), enrichmentSection(lead)),
    ),
  );
};

const ownerLabel = (lead: LeadView) => {
  if (lead.route?.kind === 'nurture') return 'nurture (no rep)';
  const id = lead.route?.ownerId;
  if (!id) return 'not assigned yet';
  return (
    items.find((i) => i.ownerId === id)?.ownerName ??
    leadItems.find((i) => i.ownerId === id)?.ownerName ??
    (id === me.personId ? me.name : id)
  );
};

const openLead = async (id: string, focus = true) => {
  renderList(id);
  const pane = byId('lead');
  pane.setAttribute('aria-busy', 'true');
  main.querySelector('.inbox')?.classList.add('has-lead');
  if (focus) pane.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading the lead…'));
  try {
    const lead = await api<LeadView>('GET', `/leads/${encodeURIComponent(id)}`);
    renderLead(lead);
    if (focus) byId('lead-title').focus();
  } catch (e) {
    pane.replaceChildren(
      h('a', { class: 'back', href: listHash() }, '← Back to the list'),
      h('p', { class: 'field-error', role: 'alert' }, `This lead cannot be shown: ${(e as Error).message}`),
    );
    announce(`This lead cannot be shown: ${(e as Error).message}`, 'error');
  } finally {
    pane.removeAttribute('aria-busy');
  }
};

/** After approval: polls the lead until the email is sent (or failed), updating the status in place. */
const followUntilSent = async (id: string) => {
  const deadline = Date.now() + 120_000;
  let failures = 0;
  while (Date.now() < deadline) {
    await sleep(1000);
    let lead: LeadView;
    try {
      lead = await api<LeadView>('GET', `/leads/${encodeURIComponent(id)}`);
      failures = 0;
    } catch (e) {
      // Keep trying, but never show an old status as if it were current.
      if (++failures === 3)
        announce(`Cannot check whether the email was sent: ${(e as Error).message}. Still trying…`, 'error');
      continue;
    }
    if (currentLeadId() !== id) return;
    const draftStatus = lead.draft?.status ?? '';
    const statusEl = document.getElementById('draft-status');
    if (statusEl) {
      statusEl.textContent = draftStatus;
      statusEl.className = `badge status-${draftStatus}`;
    }
    const leadStatus = document.getElementById('lead-status');
    if (leadStatus) leadStatus.textContent = lead.status;
    if (lead.status === 'sent' || draftStatus === 'sent') {
      renderLead(lead);
      announce(`Sent: "${lead.draft?.subject ?? ''}"`, 'ok');
      return;
    }
    if (draftStatus === 'failed') {
      renderLead(lead);
      announce('Sending failed; the lead shows why', 'error');
      return;
    }
  }
  announce('Still sending; refresh later to see the result', 'info');
};

/* ------------------------------------------------------------------ start ----------------------------------- */

/** The left column: the tabs, the list's heading and state, the filters (leads list), the list. */
const renderNav = () => {
  const nav = byId('list-col');
  const tab = (target: 'drafts' | 'leads', label: string) =>
    h(
      'a',
      { href: `#${target}`, id: `tab-${target}`, 'aria-current': view === target ? 'page' : null },
      label,
    );
  const parts: (HTMLElement | null)[] = [
    h(
      'div',
      { class: 'tabs' },
      me.role !== 'ops' ? tab('drafts', 'Drafts to review') : null,
      tab('leads', 'All leads'),
      h(
        'button',
        {
          type: 'button',
          class: 'link lang-switch',
          lang: viewerLang() === 'nl' ? 'en' : 'nl',
          title:
            viewerLang() === 'nl' ? 'Timeline and dates in English' : 'Tijdlijn en datums in het Nederlands',
          onclick: () => {
            setViewerLang(viewerLang() === 'nl' ? 'en' : 'nl');
            const id = currentLeadId();
            renderNav();
            if (id) void openLead(id, false);
            void loadList().catch((e: unknown) => listState(e));
          },
        },
        viewerLang() === 'nl' ? 'English' : 'Nederlands',
      ),
    ),
    h(
      'h1',
      { id: 'list-h', tabindex: -1 },
      view === 'drafts' ? 'Drafts to review ' : picked ? `Leads behind: ${picked.label} ` : 'Leads ',
      h('span', { class: 'muted small', id: 'count' }),
    ),
    view === 'leads' && picked
      ? h('p', {}, h('a', { href: '#leads', id: 'all-leads' }, '← All leads'))
      : null,
    h('p', { id: 'list-state', class: 'field-error', role: 'alert', hidden: true }),
    view === 'leads' && !picked
      ? filterForm(
          filter,
          me,
          () =>
            void loadLeads(true).then(
              (current) => {
                if (current) listState();
              },
              (e: unknown) => listState(e),
            ),
        )
      : null,
    h('ul', { id: 'leads', class: 'leads', 'aria-labelledby': 'list-h' }),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          id: 'more',
          hidden: true,
          onclick: () =>
            void loadMore().catch((e: unknown) =>
              announce(`More cannot be loaded: ${(e as Error).message}`, 'error'),
            ),
        },
        'Show more',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'refresh',
          onclick: () =>
            void loadList().then(
              () => announce(view === 'drafts' ? 'Inbox refreshed' : 'Leads refreshed', 'ok'),
              (e: unknown) => {
                listState(e);
                announce(`Refreshing failed: ${(e as Error).message}`, 'error');
              },
            ),
        },
        'Refresh',
      ),
    ),
  ];
  nav.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
};

const layout = () =>
  main.replaceChildren(
    h(
      'div',
      { class: 'inbox' },
      h('nav', { class: 'list', id: 'list-col', 'aria-labelledby': 'list-h' }),
      h(
        'section',
        { id: 'lead', class: 'lead', 'aria-label': 'Lead details' },
        h(
          'p',
          { class: 'muted empty-pane' },
          'Choose a lead to see its rationale, draft, timeline and score.',
        ),
      ),
    ),
  );

/** Shows a list (`#drafts`, `#leads`): on a phone the list replaces the lead. */
const showList = async (target: 'drafts' | 'leads') => {
  const nextPicked = target === 'leads' ? pickedOfHash() : undefined;
  const changed = target !== view || nextPicked?.ids !== picked?.ids || nextPicked?.label !== picked?.label;
  view = target;
  picked = nextPicked;
  if (changed) leadItems = [];
  main.querySelector('.inbox')?.classList.remove('has-lead');
  if (changed) renderNav();
  renderList(currentLeadId());
  showMoreButton();
  try {
    await loadList();
  } catch (e) {
    listState(e);
    announce(`The list cannot be loaded: ${(e as Error).message}`, 'error');
  }
};

const start = async () => {
  me = await session(main, 'Sign in to the lead inbox');
  showIdentity(me);
  announce(`Signed in as ${me.name}`);
  // Ops review no drafts: their view is the leads list.
  view =
    me.role === 'ops' || location.hash === '#leads' || location.hash.startsWith('#leads?')
      ? 'leads'
      : 'drafts';
  picked = view === 'leads' ? pickedOfHash() : undefined;
  layout();
  renderNav();
  byId('list-h').focus();
  startSlaClock();
  try {
    await loadList();
  } catch (e) {
    listState(e);
    announce(`The list cannot be loaded: ${(e as Error).message}`, 'error');
  }
  const route = () => {
    const id = currentLeadId();
    if (id) void openLead(id);
    else if (location.hash === '#leads' || location.hash.startsWith('#leads?')) void showList('leads');
    else if (location.hash === '#drafts' && me.role !== 'ops') void showList('drafts');
  };
  window.addEventListener('hashchange', route);
  if (currentLeadId()) route();
  // Keep the list fresh (one query every 30 s while the tab is visible); a failure shows on screen.
  setInterval(() => {
    if (document.visibilityState === 'visible') void loadList().catch((e: unknown) => listState(e));
  }, 30_000);
};

void start();
