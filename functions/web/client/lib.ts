/**
 * Browser-side helpers shared by the inbox and the ops page: the session token, a JSON API client, a tiny
 * DOM builder (no innerHTML: every value is a text node) and time formatting. Bundled by
 * functions/web/build-assets.ts into the page scripts; no dependencies, no external resources.
 */

import type { Principal } from '../../agent/auth/principal';
import type { FieldIssue } from '../../agent/errors';
import { beginSignIn, completeSignIn, type HostedUi, refreshSession, signOutUrl } from './oauth';

/** GET /me: the signed-in person. */
export type Me = Principal;
export type { FieldIssue };

/** An answer other than 2xx: the API's `{ message, issues }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'lq.token';
export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/**
 * Calls the API on the same origin with the session token; throws ApiError on a non-2xx answer. Signed in
 * through the hosted UI, a 401 first renews the token with the refresh token and tries once more.
 */
export const api = async <T>(method: string, path: string, body?: unknown, retried = false): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'The server cannot be reached; check your connection and try again');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  const auth = pageConfig().auth;
  if (res.status === 401 && auth && !retried && (await refreshSession(auth, setToken).catch(() => false)))
    return api<T>(method, path, body, true);
  if (!res.ok) {
    const d = (data ?? {}) as { message?: string; issues?: FieldIssue[] };
    throw new ApiError(res.status, d.message ?? `The server answered ${res.status}`, d.issues ?? []);
  }
  return data as T;
};

/**
 * Characters that reorder or hide text without being seen: bidi embeddings, overrides, isolates and marks,
 * zero-width space / word joiner / BOM, and Unicode tag characters. Lead text with `\u202Eevil` would
 * otherwise read "live" to a rep. (ZWJ and ZWNJ stay: scripts and emoji need them.)
 */
const INVISIBLE_RE =
  /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/** Text with its invisible and direction-changing characters removed. */
export const visible = (text: string): string => text.replace(INVISIBLE_RE, '');

/**
 * Text someone outside typed (a lead, their website): invisible characters removed and isolated in `<bdi>`,
 * so right-to-left text neither reorders nor is reordered by what stands around it.
 */
export const untrusted = (text: string | undefined | null): HTMLElement | null =>
  text ? h('bdi', {}, visible(text)) : null;

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element; `on*` attributes become listeners, `false`/`null` attributes are left out. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, visible(String(value)));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : visible(String(c)));
  }
  return el;
};

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

/** Writes a message into the page's aria-live region (polite; `error` also marks it visually). */
export const announce = (text: string, kind: 'info' | 'ok' | 'error' = 'info'): void => {
  const region = byId('status');
  region.textContent = visible(text);
  region.dataset.kind = kind;
};

/** "due in 42 min", "due in 3 h 5 min", "overdue 5 min". */
export const slaText = (dueAt: string, now = Date.now()): string => {
  const ms = Date.parse(dueAt) - now;
  const mins = Math.floor(Math.abs(ms) / 60_000);
  const span =
    mins < 1
      ? 'less than 1 min'
      : mins < 60
        ? `${mins} min`
        : mins < 48 * 60
          ? `${Math.floor(mins / 60)} h${mins % 60 ? ` ${mins % 60} min` : ''}`
          : `${Math.floor(mins / 1440)} days`;
  return ms >= 0 ? `due in ${span}` : `overdue ${span}`;
};

export const slaState = (dueAt: string, now = Date.now()): 'overdue' | 'soon' | 'ok' => {
  const ms = Date.parse(dueAt) - now;
  return ms < 0 ? 'overdue' : ms < 30 * 60_000 ? 'soon' : 'ok';
};

/** Re-renders every `<time data-sla>` every 15 s, so countdowns stay live without reloading the list. */
export const startSlaClock = (): void => {
  const tick = () => {
    for (const el of document.querySelectorAll<HTMLTimeElement>('time[data-sla]')) {
      const due = el.dateTime;
      el.textContent = slaText(due);
      el.dataset.state = slaState(due);
    }
  };
  setInterval(tick, 15_000);
};

export const slaTime = (dueAt: string | undefined | null): HTMLElement => {
  if (!dueAt) return h('span', { class: 'sla muted' }, 'no SLA');
  return h(
    'time',
    {
      class: 'sla',
      datetime: dueAt,
      'data-sla': true,
      'data-state': slaState(dueAt),
      title: formatDate(dueAt),
    },
    slaText(dueAt),
  );
};

export const formatDate = (iso: string | undefined | null): string => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The page's configuration, rendered by the server into `<script type="application/json" id="config">`. */
export interface PageConfig {
  readonly stage: 'local' | 'aws';
  readonly demoPeople: readonly { readonly personId: string; readonly name: string; readonly role: string }[];
  /** Sign-in through the Cognito hosted UI (AWS): authorization code + PKCE. */
  readonly auth?: HostedUi;
}
export const pageConfig = (): PageConfig => {
  try {
    return JSON.parse(byId('config').textContent ?? '{}') as PageConfig;
  } catch {
    return { stage: 'aws', demoPeople: [] };
  }
};

/**
 * Renders the sign-in panel into `container` and resolves with the signed-in person. On the local stack it
 * lists the demo people (POST /auth/dev-login); everywhere it accepts a pasted token (e.g. a Cognito ID token).
 */
export const signIn = (container: HTMLElement, heading: string): Promise<Me> =>
  new Promise((resolve) => {
    const config = pageConfig();
    const done = async (token: string) => {
      setToken(token);
      try {
        const me = await api<Me>('GET', '/me');
        container.replaceChildren();
        resolve(me);
      } catch (e) {
        clearToken();
        announce(`Sign-in failed: ${(e as Error).message}`, 'error');
      }
    };
    const demo =
      config.stage === 'local' && config.demoPeople.length
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'demo-h' },
            h('h2', { id: 'demo-h' }, 'Local stack: sign in as a demo person'),
            h(
              'ul',
              { class: 'people' },
              config.demoPeople.map((p) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'person',
                      'data-person': p.personId,
                      onclick: async () => {
                        announce(`Signing in as ${p.name}…`);
                        try {
                          const r = await api<{ token: string }>('POST', '/auth/dev-login', {
                            personId: p.personId,
                          });
                          await done(r.token);
                        } catch (e) {
                          announce(`Sign-in failed: ${(e as Error).message}`, 'error');
                        }
                      },
                    },
                    h('span', { class: 'person-name' }, p.name),
                    h('span', { class: 'person-role' }, p.role),
                  ),
                ),
              ),
            ),
          )
        : null;
    const hosted = config.auth
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'hosted-h' },
          h('h2', { id: 'hosted-h' }, 'Sign in with your company account'),
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                id: 'hosted-sign-in',
                onclick: () => {
                  announce('Opening the sign-in page…');
                  void beginSignIn(config.auth as HostedUi).catch((e: unknown) =>
                    announce(`Sign-in cannot start: ${(e as Error).message}`, 'error'),
                  );
                },
              },
              'Sign in',
            ),
          ),
        )
      : null;
    const tokenInput = h('textarea', {
      id: 'token',
      name: 'token',
      rows: 3,
      required: true,
      spellcheck: 'false',
    });
    const tokenForm = h(
      'form',
      {
        class: 'card',
        'aria-labelledby': 'token-h',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          const t = tokenInput.value.trim();
          if (t) void done(t);
        },
      },
      h('h2', { id: 'token-h' }, 'Sign in with a token'),
      h('label', { for: 'token' }, 'Paste an ID token (JWT)'),
      tokenInput,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
    );
    // With the hosted UI, pasting a token stays possible for API users, one click away.
    const tokenPart = hosted
      ? h('details', { class: 'card' }, h('summary', {}, 'Sign in with a token instead'), tokenForm)
      : tokenForm;
    container.replaceChildren(
      ...[h('h1', {}, heading), hosted, demo, tokenPart].filter((n): n is HTMLElement => n !== null),
    );
    const first = container.querySelector<HTMLElement>('button, textarea');
    first?.focus();
  });

/** Shows who is signed in, with a sign-out button, in the header. */
export const showIdentity = (me: Me): void => {
  byId('whoami').replaceChildren(
    h('span', {}, `${me.name} · ${me.role}`),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          clearToken();
          const auth = pageConfig().auth;
          if (auth) location.assign(signOutUrl(auth));
          else location.reload();
        },
      },
      'Sign out',
    ),
  );
};

/** Restores the session from sessionStorage, or asks to sign in. */
export const session = async (container: HTMLElement, heading: string): Promise<Me> => {
  const auth = pageConfig().auth;
  if (auth) {
    try {
      await completeSignIn(auth, setToken);
    } catch (e) {
      clearToken();
      announce((e as Error).message, 'error');
    }
  }
  if (getToken()) {
    try {
      return await api<Me>('GET', '/me');
    } catch {
      clearToken();
    }
  }
  return signIn(container, heading);
};
