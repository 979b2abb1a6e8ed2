/**
 * The ops page (GET /ops): the handoff points — where a human reviews a draft and where the agent sends on
 * its own — as a structured editor (default mode and mode per rule) with a raw JSON fallback, the version
 * history, and rollback. Validation errors from the server are shown next to the field they name.
 */
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
} from './lib';
import { backtestControls } from './ops-backtest';
import { configEditor } from './ops-config';

type Mode = 'review' | 'auto' | 'none';
const MODES: readonly Mode[] = ['review', 'auto', 'none'];
const MODE_LABEL: Record<Mode, string> = {
  review: 'review — a person approves every draft',
  auto: 'auto — send at once, take over from the first reply',
  none: 'none — no email is sent',
};

interface HandoffRule {
  id: string;
  when?: Record<string, unknown>;
  mode: Mode;
  businessHoursOnly?: boolean;
  description?: string;
  reason?: string;
  [key: string]: unknown;
}
interface HandoffConfig {
  version?: string;
  default: Mode;
  rules: HandoffRule[];
  [key: string]: unknown;
}
interface VersionInfo {
  version: string | number;
  author?: string;
  at?: string;
  note?: string;
}
interface HandoffState {
  active: VersionInfo & { config: HandoffConfig };
  versions: VersionInfo[];
}

const main = byId('main');
let state: HandoffState;
let draft: HandoffConfig;

const whenText = (when: Record<string, unknown> | undefined): string => {
  if (!when || !Object.keys(when).length) return 'every lead';
  return Object.entries(when)
    .map(
      ([k, v]) =>
        `${k} ${Array.isArray(v) ? `is ${v.join(' or ')}` : typeof v === 'object' && v ? JSON.stringify(v) : `is ${String(v)}`}`,
    )
    .join(' and ');
};

const modeSelect = (id: string, value: Mode, onChange: (m: Mode) => void) => {
  const select = h(
    'select',
    { id, name: id, 'aria-describedby': `${id}-err`, onchange: () => onChange(select.value as Mode) },
    MODES.map((m) => h('option', { value: m, selected: m === value }, MODE_LABEL[m])),
  );
  return select;
};

const fieldError = (id: string) => h('p', { id: `${id}-err`, class: 'field-error', hidden: true });

/** `config.rules[2].mode` → the id of the control that edits it. */
const controlFor = (field: string): string | undefined => {
  const f = field.replace(/^config\./, '');
  if (f === 'default') return 'mode-default';
  const m = /^rules\[(\d+)\]\.(mode|businessHoursOnly)$/.exec(f);
  if (m) return m[2] === 'mode' ? `mode-rule-${m[1]}` : `bho-rule-${m[1]}`;
  return undefined;
};

const clearErrors = () => {
  for (const el of document.querySelectorAll<HTMLElement>('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
};

const showIssues = (e: unknown) => {
  clearErrors();
  if (e instanceof ApiError && e.status === 401) {
    clearToken();
    announce('Your session expired: sign in again', 'error');
    setTimeout(() => location.reload(), 1500);
    return;
  }
  const issues = e instanceof ApiError ? e.issues : [];
  const rest: string[] = [];
  for (const i of issues) {
    const id = controlFor(i.field);
    const err = id ? document.getElementById(`${id}-err`) : null;
    if (id && err) {
      err.textContent = i.message;
      err.hidden = false;
      document.getElementById(id)?.setAttribute('aria-invalid', 'true');
    } else rest.push(`${i.field}: ${i.message}`);
  }
  if (rest.length) {
    const err = byId('raw-err');
    err.textContent = rest.join('\n');
    err.hidden = false;
    byId('raw').setAttribute('aria-invalid', 'true');
    const details = byId<HTMLDetailsElement>('raw-details');
    details.open = true;
  }
  announce(`Not saved: ${(e as Error).message}`, 'error');
};

const save = async (config: unknown) => {
  const note = byId<HTMLInputElement>('note');
  if (!note.value.trim()) {
    clearErrors();
    const err = byId('note-err');
    err.textContent = 'Say what you changed and why (kept in the history)';
    err.hidden = false;
    note.setAttribute('aria-invalid', 'true');
    note.focus();
    announce('A change note is required', 'error');
    return;
  }
  try {
    await api('PUT', '/ops/handoff', { config, note: note.value.trim() });
    await load();
    announce(`Saved as version ${state.active.version}`, 'ok');
  } catch (e) {
    showIssues(e);
  }
};

const editor = () => {
  const rawText = h('textarea', {
    id: 'raw',
    name: 'raw',
    rows: 16,
    spellcheck: 'false',
    'aria-describedby': 'raw-err',
  });
  rawText.value = JSON.stringify(state.active.config, null, 2);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'edit-h' },
    h('h2', { id: 'edit-h' }, 'Handoff points'),
    h(
      'p',
      { class: 'muted' },
      `Active: version ${state.active.version}${state.active.author ? ` by ${state.active.author}` : ''}${state.active.at ? `, ${formatDate(state.active.at)}` : ''}${state.active.note ? ` — “${state.active.note}”` : ''}. `,
      'Rules are checked top to bottom; the first that matches decides. A lead no rule matches gets the default.',
    ),
    h(
      'form',
      {
        id: 'structured',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void save(draft);
        },
      },
      h(
        'table',
        { class: 'rules' },
        h('caption', { class: 'sr-only' }, 'Handoff rules'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Rule'),
            h('th', { scope: 'col' }, 'Applies to'),
            h('th', { scope: 'col' }, 'Mode'),
            h('th', { scope: 'col' }, 'Business hours only'),
          ),
        ),
        h(
          'tbody',
          {},
          draft.rules.map((r, i) =>
            h(
              'tr',
              { 'data-rule': r.id },
              h('th', { scope: 'row' }, h('label', { for: `mode-rule-${i}` }, r.id)),
              h(
                'td',
                {},
                (r.description ?? r.reason)
                  ? h(
                      'span',
                      {},
                      r.description ?? r.reason,
                      h('br'),
                      h('span', { class: 'muted small' }, whenText(r.when)),
                    )
                  : whenText(r.when),
              ),
              h(
                'td',
                {},
                modeSelect(`mode-rule-${i}`, r.mode, (m) => {
                  r.mode = m;
                }),
                fieldError(`mode-rule-${i}`),
              ),
              h(
                'td',
                {},
                h('input', {
                  type: 'checkbox',
                  id: `bho-rule-${i}`,
                  'aria-label': `${r.id}: only in business hours`,
                  checked: r.businessHoursOnly === true,
                  onchange: (ev: Event) => {
                    r.businessHoursOnly = (ev.target as HTMLInputElement).checked;
                  },
                }),
                fieldError(`bho-rule-${i}`),
              ),
            ),
          ),
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('label', { for: 'mode-default' }, 'default')),
            h('td', {}, 'any lead no rule matches'),
            h(
              'td',
              {},
              modeSelect('mode-default', draft.default, (m) => {
                draft.default = m;
              }),
              fieldError('mode-default'),
            ),
            h('td', {}),
          ),
        ),
      ),
      h('label', { for: 'note' }, 'Change note (required)'),
      h('input', {
        id: 'note',
        name: 'note',
        type: 'text',
        'aria-describedby': 'note-err',
        autocomplete: 'off',
      }),
      fieldError('note'),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'save' }, 'Save handoff points'),
      ),
    ),
    h(
      'details',
      { id: 'raw-details' },
      h('summary', {}, 'Edit as JSON (every field, including conditions)'),
      h('label', { for: 'raw' }, 'Handoff configuration (JSON)'),
      rawText,
      h('p', { id: 'raw-err', class: 'field-error pre', hidden: true }),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: 'save-raw',
            onclick: () => {
              let parsed: unknown;
              try {
                parsed = JSON.parse(rawText.value);
              } catch (e) {
                clearErrors();
                const err = byId('raw-err');
                err.textContent = `Not valid JSON: ${(e as Error).message}`;
                err.hidden = false;
                rawText.setAttribute('aria-invalid', 'true');
                announce('Not saved: the JSON does not parse', 'error');
                return;
              }
              void save(parsed);
            },
          },
          'Save JSON',
        ),
      ),
    ),
  );
};

const history = () =>
  h(
    'section',
    { class: 'card', 'aria-labelledby': 'hist-h' },
    h('h2', { id: 'hist-h' }, 'Version history'),
    h(
      'table',
      { class: 'history' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Version', 'Author', 'When', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        {},
        state.versions.map((v) => {
          const active = String(v.version) === String(state.active.version);
          return h(
            'tr',
            { 'data-version': String(v.version) },
            h(
              'td',
              {},
              String(v.version),
              active ? h('span', { class: 'badge status-sent' }, 'active') : null,
            ),
            h('td', {}, v.author ?? ''),
            h('td', {}, formatDate(v.at)),
            h('td', {}, v.note ?? ''),
            h(
              'td',
              {},
              active
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      onclick: async () => {
                        try {
                          await api('POST', '/ops/handoff/rollback', { version: v.version });
                          await load();
                          announce(`Rolled back: version ${state.active.version} is active`, 'ok');
                        } catch (e) {
                          announce(`Rollback failed: ${(e as Error).message}`, 'error');
                        }
                      },
                    },
                    `Roll back to version ${v.version}`,
                  ),
            ),
          );
        }),
      ),
    ),
  );

/** The handoff points' part of the page (re-rendered after each change); the config editor sits below it. */
const handoffPart = h('div', { id: 'handoff' });

const load = async () => {
  state = await api<HandoffState>('GET', '/ops/handoff');
  draft = structuredClone(state.active.config);
  draft.rules ??= [];
  handoffPart.replaceChildren(editor(), history());
};

const start = async () => {
  const me: Me = await session(main, 'Sign in to ops');
  showIdentity(me);
  announce(`Signed in as ${me.name}`);
  main.replaceChildren(
    h('h1', {}, 'Ops: handoff points and rules'),
    handoffPart,
    configEditor(backtestControls),
  );
  try {
    await load();
  } catch (e) {
    announce(`The handoff configuration cannot be loaded: ${(e as Error).message}`, 'error');
  }
};

void start();
