/**
 * The inbox and ops pages in headless Chromium against the whole local stack (intake → qualify → draft →
 * handoff → send on the emulators): a rep edits and approves a draft and sees it sent; ops switch the handoff
 * points to auto, and a lead whose address is not corroborated still waits for a person; axe-core finds no
 * serious or critical violation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/start';
import {
  browserTestsEnabled,
  devToken,
  hotLead,
  launchBrowser,
  ownerOf,
  postLead,
  sentMail,
  seriousViolations,
  signInAs,
  startCompanySite,
  startStack,
} from './support';

const enabled = browserTestsEnabled();

describe.runIf(enabled)('inbox and ops pages in Chromium', () => {
  let stack: LocalStack;
  let site: Awaited<ReturnType<typeof startCompanySite>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36);

  /** A fresh tab (own sessionStorage). CSP is bypassed only so the tests can inject axe-core. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 1000 } });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    site = await startCompanySite();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
    await site?.close();
  });

  it('serves the pages with a strict Content-Security-Policy', async () => {
    // Act
    const inbox = await fetch(`${stack.url}/`);
    const ops = await fetch(`${stack.url}/ops`);
    // Assess
    for (const res of [inbox, ops]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(await res.text()).not.toMatch(/(src|href)="https?:/);
    }
  });

  it('lets a rep edit and approve a draft, and shows it sent', async () => {
    // Prepare
    const leadId = await postLead(stack, hotLead(`a${run}`, site.url));
    const owner = await ownerOf(stack, leadId);
    const page = await newPage();
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`${stack.url}/`);
    await signInAs(page, owner);
    const subject = `Uw demo bij Koel Logistiek (${run})`;
    // Act
    await page.locator(`a[data-lead="${leadId}"]`).click();
    await page.getByLabel('Subject').fill(subject);
    await page
      .getByLabel('Body')
      .fill('Beste Sanne,\n\nDank voor uw aanvraag. Zullen we donderdag bellen?\n\nGroet');
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await page
      .getByRole('dialog', { name: 'Send this email?' })
      .getByRole('button', { name: 'Send now' })
      .click();
    // Assess
    await expect
      .poll(() => page.locator('#lead-status').textContent(), { timeout: 60_000, interval: 250 })
      .toBe('sent');
    expect(await page.getByRole('status').textContent()).toContain('Sent');
    expect(await page.locator(`a[data-lead="${leadId}"]`).count()).toBe(0);
    const mail = await sentMail(stack);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(subject);
    expect(consoleErrors).toEqual([]);
  });

  it('attack: bidi and invisible characters in lead text cannot reorder what a rep reads', async () => {
    // Prepare: "\u202Eevil" renders as "live" when the override is honoured
    const lead = {
      ...hotLead(`d${run}`, site.url),
      company: `Koel \u202Eevil\u202C ${run}`,
      message: 'Bel \u202E9910 555 0090\u202C of mail \u2066ons\u2069 nu.\u200B',
    };
    const leadId = await postLead(stack, lead);
    const owner = await ownerOf(stack, leadId);
    const page = await newPage();
    await page.goto(`${stack.url}/`);
    await signInAs(page, owner);
    // Act
    await page.locator(`a[data-lead="${leadId}"]`).click();
    await page.getByRole('heading', { name: /First email/ }).waitFor();
    const rendered = await page.evaluate(() => ({
      text: document.body.innerText,
      untrusted: [...document.querySelectorAll('#lead-title bdi, dd bdi, .who bdi')].map(
        (e) => e.textContent ?? '',
      ),
    }));
    // Assess
    expect(rendered.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F]/);
    expect(rendered.untrusted).toContain(`Koel evil ${run}`);
    expect(rendered.untrusted).toContain('Bel 9910 555 0090 of mail ons nu.');
  });

  it('has no serious or critical accessibility violations on the inbox list, the lead view and the ops page', async () => {
    // Prepare
    const leadId = await postLead(stack, hotLead(`b${run}`, site.url));
    const owner = await ownerOf(stack, leadId);
    const page = await newPage();
    await page.goto(`${stack.url}/`);
    await signInAs(page, owner);
    await page.locator(`a[data-lead="${leadId}"]`).waitFor();
    // Act
    const list = await seriousViolations(page);
    await page.locator(`a[data-lead="${leadId}"]`).click();
    await page.getByRole('heading', { name: /First email/ }).waitFor();
    for (const d of await page.locator('details').all()) await d.locator('summary').click();
    const leadView = await seriousViolations(page);
    const opsPage = await newPage();
    await opsPage.goto(`${stack.url}/ops`);
    await signInAs(opsPage, 'ops-lars');
    await opsPage.getByRole('heading', { name: 'Version history' }).waitFor();
    const ops = await seriousViolations(opsPage);
    // Assess
    expect({ list, leadView, ops }).toEqual({ list: [], leadView: [], ops: [] });
  });

  it('attack: once ops switch the handoff points to auto, a lead whose address nobody corroborated still waits for a person', async () => {
    // Prepare
    const page = await newPage();
    await page.goto(`${stack.url}/ops`);
    await signInAs(page, 'ops-lars');
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    const versionsBefore = await page.locator('table.history tbody tr').count();
    // Act
    // config/handoff.yaml: hot leads always go to review; switch that handoff point to auto.
    const hotRule = page.locator('tr[data-rule="hot-always-review"]');
    expect(await hotRule.getByRole('combobox').inputValue()).toBe('review');
    await hotRule.getByRole('combobox').selectOption('auto');
    await page.getByLabel('Change note (required)').fill('Browser test: auto-send everything');
    await page.getByRole('button', { name: 'Save handoff points' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 60_000, interval: 200 })
      .toContain('Saved as version');
    const email = hotLead(`c${run}`, site.url).email;
    const leadId = await postLead(stack, hotLead(`c${run}`, site.url));
    // Assess: the ops change took effect (the rule now says auto), yet the address was not corroborated
    // (a local website at an IP address, no MX): the draft waits in the owner's inbox, nothing was sent.
    expect(await page.locator('table.history tbody tr').count()).toBe(versionsBefore + 1);
    const owner = await ownerOf(stack, leadId);
    const res = await fetch(`${stack.url}/leads/${leadId}`, {
      headers: { authorization: `Bearer ${await devToken(stack, owner)}` },
    });
    const lead = (await res.json()) as { draft?: { status: string; handoffReason?: string } };
    expect(lead.draft?.status).toBe('pending');
    expect(lead.draft?.handoffReason).toContain(
      'rule hot-always-review: auto, but recipient not corroborated',
    );
    expect((await sentMail(stack)).filter((m) => m.destination.to.includes(email))).toHaveLength(0);
  });
});
