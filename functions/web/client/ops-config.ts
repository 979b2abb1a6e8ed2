/**
 * The ops editor for the versioned configuration (scoring rules with tiers and quadrant limits, routing
 * rules, team capacity and out-of-office): a YAML textarea per kind, validation messages naming the rule
 * and field, drafts and publishing, the version history with open / publish / roll back.
 */
import { ApiError, announce, api, formatDate, h } from './lib';

export type ConfigKind = 'rules' | 'routing' | 'team';
const KINDS: { kind: ConfigKind; label: string; hint: string }[] = [
  {
    kind: 'rules',
    label: 'Scoring rules',
    hint: 'Rules with their points, tier thresholds (tiers), quadrant limits (quadrant) and axis caps.',
  },
  {
    kind: 'routing',
    label: 'Routing',
    hint: 'Routing rules (first match wins), nurture threshold, fallback, SLA.',
  },
  {
    kind: 'team',
    label: 'Team',
    hint: 'People, team capacity (maxOpenLeads), weights, out-of-office, calendar.',
  },
];

export interface ConfigVersion {
  version: number;
  yaml?: string;
  status: 'draft' | 'published';
  author: string;
  at: string;
  note: string;
  publishedAt?: string;
  publishedBy?: string;
}
export interface ConfigState {
  kind: ConfigKind;
  published: ConfigVersion & { yaml: string };
  versions: ConfigVersion[];
  version?: ConfigVersion & { yaml: string };
}

/** Extra controls per kind (the rules editor adds the backtest): gets the editor's current text. */
export type ExtraControls = (
  kind: ConfigKind,
  ctx: { yaml: () => string; state: () => ConfigState },
) => HTMLElement | null;

export const configEditor = (extra?: ExtraControls): HTMLElement => {
  let kind: ConfigKind = 'rules';
  let state: ConfigState | undefined;
  /** The version whose document is in the editor. */
  let opened: number | undefined;

  const section = h('section', { class: 'card', 'aria-labelledby': 'cfg-h', id: 'config' });
  const textarea = h('textarea', {
    id: 'cfg-yaml',
    name: 'cfg-yaml',
    rows: 22,
    spellcheck: 'false',
    class: 'code',
    'aria-describedby': 'cfg-issues',
  });
  const note = h('input', {
    id: 'cfg-note',
    name: 'cfg-note',
    type: 'text',
    autocomplete: 'off',
    'aria-describedby': 'cfg-issues',
  });
  const issues = h('ul', { id: 'cfg-issues', class: 'field-error issues', hidden: true });
  const summary = h('p', { class: 'muted', id: 'cfg-summary' });
  const historyBody = h('tbody');
  const extraSlot = h('div', { id: 'cfg-extra' });

  const showIssues = (list: { field: string; message: string }[]) => {
    issues.replaceChildren(...list.map((i) => h('li', {}, i.message)));
    issues.hidden = list.length === 0;
    if (list.length) textarea.setAttribute('aria-invalid', 'true');
    else textarea.removeAttribute('aria-invalid');
  };

  const failed = (what: string, e: unknown) => {
    if (e instanceof ApiError && e.issues.length) showIssues([...e.issues]);
    announce(`${what}: ${(e as Error).message}`, 'error');
  };

  const render = () => {
    if (!state) return;
    const p = state.published;
    summary.textContent = `Published: version ${p.version} by ${p.publishedBy ?? p.author}, ${formatDate(p.publishedAt ?? p.at)} — “${p.note}”. ${
      opened !== undefined && opened !== p.version ? `The editor holds version ${opened}.` : ''
    }`;
    historyBody.replaceChildren(
      ...state.versions.map((v) => {
        const active = v.version === p.version;
        const button = (label: string, onclick: () => void, id: string) =>
          h('button', { type: 'button', onclick, id }, label);
        return h(
          'tr',
          { 'data-version': String(v.version) },
          h(
            'td',
            {},
            String(v.version),
            active ? h('span', { class: 'badge status-sent' }, 'published') : null,
            !active && v.status === 'draft' ? h('span', { class: 'badge status-pending' }, 'draft') : null,
          ),
          h('td', {}, v.author),
          h('td', {}, formatDate(v.at)),
          h('td', {}, v.note),
          h(
            'td',
            { class: 'actions' },
            button(`Open version ${v.version}`, () => void open(v.version), `cfg-open-${v.version}`),
            active
              ? null
              : v.status === 'draft'
                ? button(
                    `Publish version ${v.version}`,
                    () => void publish(v.version),
                    `cfg-publish-${v.version}`,
                  )
                : button(
                    `Roll back to version ${v.version}`,
                    () => void rollback(v.version),
                    `cfg-rollback-${v.version}`,
                  ),
          ),
        );
      }),
    );
  };

  const load = async (version?: number) => {
    state = await api<ConfigState>('GET', `/ops/config/${kind}${version ? `?version=${version}` : ''}`);
    const doc = state.version ?? state.published;
    textarea.value = doc.yaml;
    opened = doc.version;
    showIssues([]);
    render();
    extraSlot.replaceChildren(
      ...[extra?.(kind, { yaml: () => textarea.value, state: () => state! })].filter(
        (x): x is HTMLElement => !!x,
      ),
    );
  };

  const open = async (version: number) => {
    try {
      await load(version);
      announce(`Version ${version} is in the editor`, 'ok');
      textarea.focus();
    } catch (e) {
      failed('Cannot open', e);
    }
  };

  const save = async (publishNow: boolean) => {
    if (!note.value.trim()) {
      showIssues([
        { field: 'note', message: 'Say what you changed and why in the change note (kept in the history)' },
      ]);
      note.focus();
      announce('A change note is required', 'error');
      return;
    }
    try {
      const out = await api<ConfigState>('PUT', `/ops/config/${kind}`, {
        yaml: textarea.value,
        note: note.value.trim(),
        publish: publishNow,
        ...(publishNow && state ? { expectedPublished: state.published.version } : {}),
      });
      note.value = '';
      await load(out.version?.version);
      announce(
        publishNow
          ? `Published as version ${out.published.version}`
          : `Saved as draft version ${out.version?.version}; the published version is still ${out.published.version}`,
        'ok',
      );
    } catch (e) {
      failed(publishNow ? 'Not published' : 'Not saved', e);
    }
  };

  const publish = async (version: number) => {
    try {
      await api('POST', `/ops/config/${kind}/publish`, {
        version,
        ...(state ? { expectedPublished: state.published.version } : {}),
      });
      await load();
      announce(`Version ${version} is published`, 'ok');
    } catch (e) {
      failed('Not published', e);
    }
  };

  const rollback = async (version: number) => {
    try {
      const out = await api<ConfigState>('POST', `/ops/config/${kind}/rollback`, { version });
      await load();
      announce(
        `Rolled back: version ${out.published.version} (a copy of version ${version}) is published`,
        'ok',
      );
    } catch (e) {
      failed('Rollback failed', e);
    }
  };

  const kindSelect = h(
    'select',
    {
      id: 'cfg-kind',
      name: 'cfg-kind',
      onchange: () => {
        kind = kindSelect.value as ConfigKind;
        hint.textContent = KINDS.find((k) => k.kind === kind)?.hint ?? '';
        textareaLabel.textContent = `${KINDS.find((k) => k.kind === kind)?.label} (YAML)`;
        load().catch((e) => failed('Cannot load', e));
      },
    },
    KINDS.map((k) => h('option', { value: k.kind }, k.label)),
  );
  const hint = h('p', { class: 'muted small', id: 'cfg-hint' }, KINDS[0]!.hint);
  const textareaLabel = h('label', { for: 'cfg-yaml' }, 'Scoring rules (YAML)');

  section.append(
    h('h2', { id: 'cfg-h' }, 'Scoring rules, routing and team'),
    h(
      'p',
      { class: 'muted' },
      'Every change is a new version with your name and note. Save a draft to check it (and backtest scoring rules) before publishing; the pipeline uses a published version within a minute, without a redeploy.',
    ),
    h('label', { for: 'cfg-kind' }, 'Configuration to edit'),
    kindSelect,
    hint,
    summary,
    textareaLabel,
    textarea,
    issues,
    h('label', { for: 'cfg-note' }, 'Note for this version (required)'),
    note,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', id: 'cfg-save', onclick: () => void save(false) },
        'Validate and save draft',
      ),
      h(
        'button',
        { type: 'button', id: 'cfg-save-publish', class: 'primary', onclick: () => void save(true) },
        'Save and publish',
      ),
    ),
    extraSlot,
    h('h3', {}, 'Versions'),
    h(
      'table',
      { class: 'history', id: 'cfg-history' },
      h('caption', { class: 'sr-only' }, 'Configuration versions, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Version', 'Author', 'Saved', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')),
        ),
      ),
      historyBody,
    ),
  );
  load().catch((e) => failed('The configuration cannot be loaded', e));
  return section;
};
