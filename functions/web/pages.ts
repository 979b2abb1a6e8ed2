/**
 * The two HTML pages (inbox at `/`, ops at `/ops`): one shell with the stylesheet and the page script inline,
 * both allowed by their SHA-256 hash in a strict Content-Security-Policy (no 'unsafe-inline', no other
 * origin). Page configuration (stage, demo people for the local sign-in) travels as a JSON data block.
 */
import { createHash } from 'node:crypto';
import { INBOX_JS, INSIGHTS_JS, OPS_JS } from './assets.generated';
import { STYLES } from './styles';

export interface DemoPerson {
  readonly personId: string;
  readonly name: string;
  readonly role: string;
}

export interface PageConfig {
  readonly stage: 'local' | 'aws';
  readonly demoPeople: readonly DemoPerson[];
  /** Sign-in through the Cognito hosted UI (authorization code + PKCE): its base URL and the client id. */
  readonly auth?: { readonly url: string; readonly clientId: string };
}

export type PageName = 'inbox' | 'ops' | 'insights';

export interface RenderedPage {
  readonly html: string;
  readonly csp: string;
  readonly etag: string;
}

const sha256 = (text: string, encoding: 'base64' | 'hex' = 'base64') =>
  createHash('sha256').update(text, 'utf8').digest(encoding);

/** Inline text cannot contain `</` (it could close the element early); `<\/` means the same in JS and JSON. */
const inlineSafe = (text: string) => text.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TITLES: Record<PageName, string> = {
  inbox: 'Lead inbox',
  ops: 'Ops · handoff points',
  insights: 'Insights',
};
const SCRIPTS: Record<PageName, string> = { inbox: INBOX_JS, ops: OPS_JS, insights: INSIGHTS_JS };

export const renderPage = (page: PageName, config: PageConfig): RenderedPage => {
  const script = inlineSafe(SCRIPTS[page]);
  const style = STYLES;
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script)}'`,
    `style-src 'sha256-${sha256(style)}'`,
    // The hosted UI's token endpoint is the one other origin the page talks to (code exchange, refresh).
    `connect-src 'self'${config.auth ? ` ${new URL(config.auth.url).origin}` : ''}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const nav = (target: PageName, href: string, label: string) =>
    `<a href="${href}"${target === page ? ' aria-current="page"' : ''}>${label}</a>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(TITLES[page])}</title>
<style>${style}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">Lead qualifier</span>
<nav aria-label="Pages">${nav('inbox', '/', 'Inbox')}${nav('ops', '/ops', 'Ops')}${nav('insights', '/insights', 'Insights')}</nav>
<div id="whoami"></div>
</header>
<div id="status" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1"><p>Loading…</p><noscript>This page needs JavaScript.</noscript></main>
<script type="application/json" id="config">${inlineSafe(JSON.stringify(config))}</script>
<script>${script}</script>
</body>
</html>
`;
  return { html, csp, etag: `"${sha256(html, 'hex').slice(0, 32)}"` };
};
