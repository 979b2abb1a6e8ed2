/**
 * The sales inbox (GET /): pending drafts ordered by the API (hot first, then SLA), live SLA countdowns, and
 * a lead view with the score per axis and its ledger in words, enrichment facts, the rationale and the draft
 * editor (save, approve and send, reject with a reason). `#lead/<id>` in the address opens a lead.
 */

// The API's own types, as types only: nothing of the server is bundled into the page.
import type { LeadView } from '../../agent/lead-record';
import type { InboxItem } from '../../agent/pipeline/review';
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
  if (more) more.hidden = nextCursor === undefined;
};

/** (Re)loads the list from the top, as many items as are shown now (at least one page). */
const loadList = async () => {
  const want = Math.max(items.length, PAGE_SIZE);
  const loaded: InboxItem[] = [];
  let cursor: string | undefined;
  do {
    const r = await fetchPage(cursor);
    loaded.push(...r.items);
    cursor = r.nextCursor;
  } while (cursor && loaded.length < want);
  items = loaded;
  nextCursor = cursor;
  renderList(currentLeadId());
  showMoreButton();
};

const loadMore = async () => {
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
    h('p', {}, untrusted(r.text)),
    h('p', {}, h('strong', {}, 'Next action: '), untrusted(r.nextAction)),
  );
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

  const form = h(
    'form',
    {
      class: 'draft',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void approve();
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
      h('span', { class: 'muted small' }, ` ${d.language.toUpperCase()} · handoff: ${d.handoff}`),
    ),
    form,
  );
};

const renderLead = (lead: LeadView) => {
  const view = byId('lead');
  const item = items.find((i) => i.leadId === lead.leadId);
  const title = lead.lead.company.name ?? item?.company ?? 'Lead';
  view.replaceChildren(
    h(
      'header',
      { class: 'lead-head' },
      h('h2', { id: 'lead-title', tabindex: -1 }, untrusted(title)),
      h(
        'p',
        { class: 'muted' },
        'Lead status: ',
        h('strong', { id: 'lead-status' }, lead.status),
        lead.route?.slaDueAt ? [' · first contact ', slaTime(lead.route.slaDueAt)] : null,
      ),
    ),
    h(
      'div',
      { class: 'lead-grid' },
      h('div', {}, draftSection(lead), rationaleSection(lead)),
      h('div', {}, scoreSection(lead), leadSection(lead), enrichmentSection(lead)),
    ),
  );
};

const openLead = async (id: string, focus = true) => {
  renderList(id);
  const view = byId('lead');
  view.setAttribute('aria-busy', 'true');
  try {
    const lead = await api<LeadView>('GET', `/leads/${encodeURIComponent(id)}`);
    renderLead(lead);
    if (focus) byId('lead-title').focus();
  } catch (e) {
    view.replaceChildren(
      h('p', { class: 'field-error' }, `This lead cannot be shown: ${(e as Error).message}`),
    );
  } finally {
    view.removeAttribute('aria-busy');
  }
};

/** After approval: polls the lead until the email is sent (or failed), updating the status in place. */
const followUntilSent = async (id: string) => {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await sleep(1000);
    let lead: LeadView;
    try {
      lead = await api<LeadView>('GET', `/leads/${encodeURIComponent(id)}`);
    } catch {
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

const layout = () =>
  main.replaceChildren(
    h(
      'div',
      { class: 'inbox' },
      h(
        'nav',
        { class: 'list', 'aria-labelledby': 'list-h' },
        h('h1', { id: 'list-h' }, 'Inbox ', h('span', { class: 'muted small', id: 'count' })),
        h('ul', { id: 'leads', class: 'leads' }),
        h(
          'button',
          {
            type: 'button',
            id: 'more',
            hidden: true,
            onclick: () =>
              void loadMore().catch((e: unknown) =>
                announce(`More drafts cannot be loaded: ${(e as Error).message}`, 'error'),
              ),
          },
          'Show more',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'refresh',
            onclick: () => void loadList().then(() => announce('Inbox refreshed')),
          },
          'Refresh',
        ),
      ),
      h(
        'section',
        { id: 'lead', class: 'lead', 'aria-label': 'Lead details' },
        h(
          'p',
          { class: 'muted placeholder' },
          'Choose a lead on the left to see its score, rationale and draft.',
        ),
      ),
    ),
  );

const start = async () => {
  me = await session(main, 'Sign in to the lead inbox');
  showIdentity(me);
  announce(`Signed in as ${me.name}`);
  layout();
  startSlaClock();
  try {
    await loadList();
  } catch (e) {
    announce(`The inbox cannot be loaded: ${(e as Error).message}`, 'error');
  }
  const route = () => {
    const id = currentLeadId();
    if (id) void openLead(id);
  };
  window.addEventListener('hashchange', route);
  route();
  // Keep the list fresh for new leads (cheap: one query every 30 s while the tab is visible).
  setInterval(() => {
    if (document.visibilityState === 'visible') void loadList().catch(() => {});
  }, 30_000);
};

void start();
