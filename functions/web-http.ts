/**
 * GET / (the sales inbox) and GET /ops (handoff points): static HTML pages with their script and styles
 * inline, served with a strict Content-Security-Policy. The pages call the JSON API on the same origin with
 * the signed-in person's bearer token. On the local stack the sign-in lists the demo people of
 * config/team.yaml (they sign in through POST /auth/dev-login).
 */
import { DomainError } from './agent/errors';
import { commonConfig } from './platform/config';
import { httpHandler } from './platform/http';
import { shippedPeople } from './platform/shipped-routing';
import { type DemoPerson, type PageConfig, type PageName, type RenderedPage, renderPage } from './web/pages';

const ROLE_LABEL: Record<string, string> = {
  rep: 'sales',
  manager: 'manager',
  ops: 'ops',
  marketing: 'marketing',
};

/** The people of config/team.yaml (id, name, role), for the local sign-in only. */
const demoPeople = (): DemoPerson[] =>
  [...shippedPeople().values()].map((p) => ({
    personId: p.id,
    name: p.name,
    role: ROLE_LABEL[p.role] ?? p.role,
  }));

const common = commonConfig();
const stage = common.STAGE;
const config: PageConfig = {
  stage,
  demoPeople: stage === 'local' ? demoPeople() : [],
  ...(common.AUTH_HOSTED_UI_URL && common.AUTH_CLIENT_ID
    ? { auth: { url: common.AUTH_HOSTED_UI_URL, clientId: common.AUTH_CLIENT_ID } }
    : {}),
};
const pages: Record<PageName, RenderedPage> = {
  inbox: renderPage('inbox', config),
  ops: renderPage('ops', config),
  insights: renderPage('insights', config),
};
const PATHS: Record<string, PageName> = { '/': 'inbox', '/ops': 'ops', '/insights': 'insights' };

export const handler = httpHandler(async (event) => {
  const page = PATHS[event.rawPath.replace(/(.)\/$/, '$1')];
  if (!page || event.requestContext.http.method !== 'GET') throw new DomainError('not_found', 'Not Found');
  const { html, csp, etag } = pages[page];
  const headers: Record<string, string> = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    // Small page, changes with every deploy: always revalidate (the ETag makes that a 304).
    'cache-control': 'no-cache',
    etag,
  };
  if (event.headers['if-none-match'] === etag) return { statusCode: 304, headers };
  return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body: html };
});
