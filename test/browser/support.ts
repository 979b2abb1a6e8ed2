/**
 * Browser-test plumbing: headless Debian Chromium driven by playwright-core, the whole local stack in
 * process, a company website for the enrichment tool, API calls with a dev-login token, and axe-core.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type LocalStack, startLocalStack } from '../../local/start';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Whether this run is CI (`CI` set to anything but empty, `0` or `false`, as CI services and .ci/run set it). */
export const isCi = (env: Record<string, string | undefined> = process.env): boolean =>
  env.CI !== undefined && !['', '0', 'false'].includes(env.CI.trim().toLowerCase());

/**
 * Whether the browser tests run: always in CI (a missing Chromium then fails them, naming the path), elsewhere
 * only when Chromium is installed — otherwise they are skipped with a loud message saying how to enable them.
 */
export const browserTestsEnabled = (): boolean => {
  if (existsSync(CHROMIUM) || isCi()) return true;
  console.warn(
    `\n*** BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) ` +
      'or set CHROMIUM_PATH. In CI (CI=true) they run and fail instead. ***\n',
  );
  return false;
};

export const launchBrowser = (): Promise<Browser> => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is required for the browser tests in CI but there is none at ${CHROMIUM} ` +
        '(apt-get install -y chromium, or set CHROMIUM_PATH)',
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
};

/** A company website the website tool can fetch (private targets are allowed on this test stack). */
export const startCompanySite = async (): Promise<{ url: string; close: () => Promise<void> }> => {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<html lang="nl"><head><title>Koel Logistiek BV</title><meta name="description" content="Koeltransport door de Benelux">' +
        '<script src="https://js.hs-scripts.com/1.js"></script></head><body><a href="/prijzen">Prijzen</a></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export const startStack = (): Promise<LocalStack> =>
  startLocalStack({
    dataDir: null,
    port: 0,
    emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
    retryVisibilitySeconds: 1,
    env: { ALLOW_PRIVATE_TARGETS: 'true', LOG_LEVEL: 'ERROR' },
    log: (line) => {
      if (process.env.LOCAL_STACK_DEBUG) console.log(line);
    },
  });

/** A hot SMB lead from the Netherlands (demo request, 50 employees, logistics): routed to an SMB rep. */
export const hotLead = (tag: string, website: string) => ({
  email: `sanne.${tag}@koel-logistiek.example`,
  firstName: 'Sanne',
  lastName: 'Bakker',
  company: `Koel Logistiek ${tag}`,
  website,
  employees: '50',
  country: 'NL',
  formType: 'demo',
  message: 'Graag een demo voor ons planningsteam; we willen binnen een maand beslissen.',
  language: 'nl',
});

export const postLead = async (stack: LocalStack, lead: object): Promise<string> => {
  const res = await fetch(`${stack.url}/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(lead),
  });
  const body = (await res.json()) as { leadId?: string };
  if (res.status !== 202 || !body.leadId) throw new Error(`POST /leads answered ${res.status}`);
  return body.leadId;
};

export const devToken = async (stack: LocalStack, personId: string): Promise<string> => {
  const res = await fetch(`${stack.url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId }),
  });
  if (!res.ok) throw new Error(`POST /auth/dev-login answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
};

export interface SentMail {
  subject: string;
  destination: { to: string[] };
}
export const sentMail = async (stack: LocalStack): Promise<SentMail[]> => {
  const res = await fetch(`${stack.endpoints.sesv2}/store`);
  return ((await res.json()) as { emails: SentMail[] }).emails;
};

/** Signs in on the page as a demo person (the local stack lists them); resolves once the page says so. */
export const signInAs = async (page: Page, personId: string): Promise<void> => {
  await page.locator(`button[data-person="${personId}"]`).click();
  await page.getByRole('status').filter({ hasText: 'Signed in as' }).waitFor();
};

export const SALES_PEOPLE = ['rep-bram', 'rep-eva', 'rep-youssef', 'rep-anna', 'rep-daan'] as const;

/** The rep whose pending-draft inbox (GET /drafts?status=pending) holds the lead, once the draft is written. */
export const ownerOf = async (stack: LocalStack, leadId: string, timeoutMs = 60_000): Promise<string> => {
  const tokens = new Map<string, string>();
  for (const p of SALES_PEOPLE) tokens.set(p, await devToken(stack, p));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const [personId, token] of tokens) {
      const res = await fetch(`${stack.url}/drafts?status=pending`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) {
        await res.arrayBuffer();
        continue;
      }
      const { items } = (await res.json()) as { items: { leadId: string }[] };
      if (items.some((i) => i.leadId === leadId)) return personId;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`lead ${leadId} did not reach any sales inbox`);
};

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}
/** Runs axe-core (WCAG 2.x A/AA rules) on the page; returns the serious and critical violations. */
export const seriousViolations = async (page: Page): Promise<AxeViolation[]> => {
  await page.addScriptTag({ content: axe.source });
  const result = (await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } };
    return w.axe.run(document, { resultTypes: ['violations'] });
  })) as { violations: AxeViolation[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
};
