/**
 * The workspace in headless Chromium against the whole local stack, as a rep, a manager and ops would use it,
 * on a desktop (1440×900) and a phone (390×844, 360 wide): the leads list with every sample lead (nurture
 * included), filters and owners; the lead page with its timeline, actions and the draft editor (Enter never
 * sends, a confirmation shows what goes out, saving shows no error, the language badge follows the text);
 * refresh failures on screen; axe-core finds no serious or critical violation on any page. Screenshots of the
 * main pages go to docs/ (the README shows them).
 */
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleLeads } from '../../local/seed-samples';
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
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const DOCS = resolve('docs');

describe.runIf(enabled)('the workspace in Chromium: rep, manager and ops journeys', () => {
  let stack: LocalStack;
  let site: Awaited<ReturnType<typeof startCompanySite>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36);
  let sampleIds: string[] = [];

  const newPage = async (viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> => {
    // CSP is bypassed only so the tests can inject axe-core.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport,
      locale: 'en-GB',
      timezoneId: 'Europe/Amsterdam',
    });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return { page, errors };
  };

  /** The page's content is no wider than the viewport (nothing cut off, no sideways scrolling). */
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  const listed = async (personId: string, query = '') => {
    const res = await fetch(`${stack.url}/leads?limit=200${query}`, {
      headers: { authorization: `Bearer ${await devToken(stack, personId)}` },
    });
    return ((await res.json()) as { items: { leadId: string; leadStatus: string; draftStatus?: string }[] })
      .items;
  };

  beforeAll(async () => {
    site = await startCompanySite();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    const seeded = await seedSampleLeads(stack.url, resolve('samples/leads'));
    sampleIds = seeded.map((r) => r.leadId).filter((id): id is string => !!id);
    // Every sample is processed (drafted, nurtured or otherwise settled) before the journeys start.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const items = await listed('mgr-sofie');
      const settled = sampleIds.every((id) =>
        items.some((i) => i.leadId === id && !['received', 'routed'].includes(i.leadStatus)),
      );
      if (settled) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
    await site?.close();
  });

  it('shows a manager every sample lead, nurture included, with owners, and filters them', async () => {
    // Prepare
    const { page, errors } = await newPage();
    await page.goto(`${stack.url}/#leads`);
    await signInAs(page, 'mgr-sofie');
    // Act
    await page.getByRole('heading', { name: /^Leads/ }).waitFor();
    await page.locator('#leads a[data-lead]').first().waitFor();
    const shown = await page
      .locator('#leads a[data-lead]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-lead')));
    const focused = await page.evaluate(() => document.activeElement?.id);
    const overdue = await page.locator('#leads .sla[data-state="overdue"]').count();
    await page.screenshot({ path: `${DOCS}/leads-list.png` });
    const listViolations = await seriousViolations(page);
    await page.getByLabel('Status').selectOption('nurture');
    await expect
      .poll(() => page.locator('#leads a[data-lead]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const nurtureRows = await page.locator('#leads .row3 .badge').allTextContents();
    await page.getByRole('link', { name: 'Drafts to review' }).click();
    await page.getByRole('heading', { name: /Drafts to review/ }).waitFor();
    await page.locator('#leads a[data-lead] .owner').first().waitFor({ timeout: 30_000 });
    const draftOwners = await page.locator('#leads a[data-lead] .owner').allTextContents();
    // Assess
    expect(sampleIds.length).toBeGreaterThanOrEqual(7);
    for (const id of sampleIds) expect(shown).toContain(id);
    expect(focused).toBe('list-h');
    expect(overdue).toBe(0); // the samples are seeded as submitted just now
    expect(new Set(nurtureRows)).toEqual(new Set(['nurture']));
    expect(await page.locator('#leads .owner').first().textContent()).not.toBe('');
    expect(draftOwners.length).toBeGreaterThan(0);
    expect(draftOwners.every((o) => o !== '' && o !== 'no owner')).toBe(true);
    expect(listViolations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lets a rep work a lead: Enter in the subject never sends, saving shows no error, the language badge follows, a confirmation shows what goes out', async () => {
    // Prepare
    const leadId = await postLead(stack, hotLead(`w${run}`, site.url));
    const owner = await ownerOf(stack, leadId);
    const { page, errors } = await newPage();
    await page.goto(`${stack.url}/`);
    await signInAs(page, owner);
    const focused = await page.evaluate(() => document.activeElement?.id);
    await page.locator(`a[data-lead="${leadId}"]`).click();
    await page.getByRole('heading', { name: /First email/ }).waitFor();
    const subject = `Your demo at Koel Logistiek (${run})`;
    // Act: Enter in the subject line
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Subject').press('Enter');
    await page.waitForTimeout(500);
    const afterEnter = {
      dialogs: await page.locator('dialog[open]').count(),
      mails: (await sentMail(stack)).length,
    };
    // Act: English text, then save
    await page
      .getByLabel('Body')
      .fill(
        'Dear Sanne,\n\nThank you for your request. Would Thursday work for a call with our team?\n\nKind regards',
      );
    const badge = await page.locator('#draft-language').textContent();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 })
      .toContain('Draft saved');
    const statusAfterSave = await page.locator('#status').getAttribute('data-kind');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${DOCS}/lead-page.png`, fullPage: false });
    const leadViolations = await seriousViolations(page);
    // Act: approve → the confirmation → send
    await page.getByRole('button', { name: 'Approve and send' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this email?' });
    await dialog.waitFor();
    const confirmSubject = await page.locator('#confirm-subject').textContent();
    const dialogViolations = await seriousViolations(page);
    const mailsBeforeConfirm = (await sentMail(stack)).length;
    await dialog.getByRole('button', { name: 'Send now' }).click();
    // Assess
    expect(focused).toBe('list-h');
    expect(afterEnter).toEqual({ dialogs: 0, mails: 0 });
    expect(badge).toBe('EN');
    expect(statusAfterSave).toBe('ok');
    expect(confirmSubject).toBe(subject);
    expect(mailsBeforeConfirm).toBe(0);
    await expect
      .poll(() => page.locator('#lead-status').textContent(), { timeout: 60_000, interval: 250 })
      .toBe('sent');
    const mail = (await sentMail(stack)).filter((m) => m.subject === subject);
    expect(mail).toHaveLength(1);
    await expect
      .poll(() => page.locator('.timeline li[data-kind="sent"]').count(), { timeout: 30_000 })
      .toBe(1);
    expect({ leadViolations, dialogViolations }).toEqual({ leadViolations: [], dialogViolations: [] });
    expect(errors).toEqual([]);
  });

  it('lets a rep log a call on the lead page and shows it on the timeline, newest first', async () => {
    // Prepare
    const leadId = await postLead(stack, hotLead(`n${run}`, site.url));
    const owner = await ownerOf(stack, leadId);
    const { page, errors } = await newPage();
    await page.goto(`${stack.url}/#lead/${leadId}`);
    await signInAs(page, owner);
    await page.locator(`a[data-lead="${leadId}"]`).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    // Act
    await page.getByText('Log a call or note').click();
    await page.getByLabel('Call result').selectOption('voicemail');
    await page.getByLabel('Note', { exact: true }).fill('Left a message, will try again tomorrow');
    await page.getByRole('button', { name: 'Save to timeline' }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toContain('Call logged');
    await expect
      .poll(() => page.locator('.timeline li').first().getAttribute('data-kind'), { timeout: 30_000 })
      .toBe('call');
    const first = await page.locator('.timeline li').first().textContent();
    // Act: the prospect called back and booked a meeting
    await page.getByText('Record an outcome').click();
    await page.getByLabel('What happened').selectOption('meeting_booked');
    await page.getByLabel('Reason or note (optional)').fill('Demo on Thursday');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toContain('Outcome recorded');
    await expect.poll(() => page.locator('#lead-status').textContent(), { timeout: 30_000 }).toBe('meeting');
    await expect
      .poll(() => page.locator('.timeline li').first().textContent(), { timeout: 30_000 })
      .toContain('Outcome: Meeting booked');
    // Act: an outcome the lifecycle refuses is said on screen, not swallowed
    await page.getByText('Record an outcome').click();
    await page.getByLabel('What happened').selectOption('no_response');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await expect
      .poll(() => page.locator('#status').getAttribute('data-kind'), { timeout: 30_000 })
      .toBe('error');
    // Assess
    expect(first).toContain('voicemail');
    expect(first).toContain('Left a message');
    expect(await page.locator('#outcome-form-err').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('shows a failed refresh on screen instead of keeping the old list as if it were current', async () => {
    // Prepare
    const { page } = await newPage();
    await page.goto(`${stack.url}/`);
    await signInAs(page, 'rep-bram');
    await page.getByRole('heading', { name: /Drafts to review/ }).waitFor();
    await page.route('**/drafts?*', (route) =>
      route.fulfill({ status: 503, body: '{"message":"Temporarily unavailable"}' }),
    );
    // Act
    await page.getByRole('button', { name: 'Refresh' }).click();
    // Assess
    await expect.poll(() => page.locator('#list-state').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('#list-state').textContent()).toContain('Not up to date');
    expect(await page.locator('#status').getAttribute('data-kind')).toBe('error');
  });

  it('keeps the "not up to date" note when an older, slower load answers after a failed refresh', async () => {
    // Prepare: the first list load is held back; every later one fails
    const { page, errors } = await newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let loads = 0;
    await page.route('**/drafts?*', async (route) => {
      loads += 1;
      if (loads > 1) return route.fulfill({ status: 503, body: '{"message":"Temporarily unavailable"}' });
      await held;
      return route.continue();
    });
    await page.goto(`${stack.url}/`);
    await signInAs(page, 'rep-bram');
    await expect.poll(() => loads, { timeout: 30_000 }).toBe(1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#list-state').isVisible(), { timeout: 30_000 }).toBe(true);
    // Act: the first load's answer arrives last
    const slowAnswer = page.waitForEvent('requestfinished', (r) => r.url().includes('/drafts?'));
    release();
    await slowAnswer;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 250)));
    // Assess: the newer, failed refresh still says the list is not current
    expect(await page.locator('#list-state').isVisible()).toBe(true);
    expect(await page.locator('#list-state').textContent()).toContain('Not up to date');
    expect(errors).toEqual([]);
  });

  it('gives ops on the inbox the leads list, read-only, without an error; at 390 px nothing is cut off', async () => {
    // Prepare
    const { page, errors } = await newPage(PHONE);
    await page.goto(`${stack.url}/`);
    await signInAs(page, 'ops-lars');
    // Act
    await page.getByRole('heading', { name: /^Leads/ }).waitFor();
    await page.locator('#leads a[data-lead]').first().waitFor();
    const listOverflow = await overflow(page);
    const statusKind = await page.locator('#status').getAttribute('data-kind');
    await page.screenshot({ path: `${DOCS}/phone-leads.png` });
    const phoneList = await seriousViolations(page);
    await page.locator('#leads a[data-lead]').first().click();
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    const leadOverflow = await overflow(page);
    const readOnly = await page.getByText('Ops see leads read-only').count();
    const phoneLead = await seriousViolations(page);
    // Assess
    expect(statusKind).not.toBe('error');
    expect([listOverflow, leadOverflow]).toEqual([0, 0]);
    expect(readOnly).toBe(1);
    expect({ phoneList, phoneLead }).toEqual({ phoneList: [], phoneLead: [] });
    expect(errors).toEqual([]);
  });

  it('fits a rep’s inbox and lead page in 360 px, with a way back to the list', async () => {
    // Prepare
    const { page, errors } = await newPage({ width: 360, height: 780 });
    const drafted = (await listed('rep-bram')).find((i) => i.draftStatus === 'pending');
    const person = drafted ? 'rep-bram' : 'mgr-sofie';
    await page.goto(`${stack.url}/`);
    await signInAs(page, person);
    await page.locator('#leads a[data-lead]').first().waitFor();
    // Act
    const listOverflow = await overflow(page);
    await page.locator('#leads a[data-lead]').first().click();
    await page.getByRole('heading', { name: /First email/ }).waitFor();
    const leadOverflow = await overflow(page);
    await page.screenshot({ path: `${DOCS}/phone-lead.png` });
    await page.getByRole('link', { name: '← Back to the list' }).click();
    // Assess
    await page.locator('#leads a[data-lead]').first().waitFor();
    expect([listOverflow, leadOverflow]).toEqual([0, 0]);
    expect(errors).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the sign-in page and the ops page', async () => {
    // Prepare
    const { page } = await newPage();
    await page.goto(`${stack.url}/`);
    await page.locator('button[data-person]').first().waitFor();
    // Act
    const signIn = await seriousViolations(page);
    const ops = await newPage(PHONE);
    await ops.page.goto(`${stack.url}/ops`);
    await signInAs(ops.page, 'ops-lars');
    await ops.page.getByRole('heading', { name: 'Version history' }).waitFor();
    const opsPhone = await seriousViolations(ops.page);
    const opsOverflow = await overflow(ops.page);
    // Assess
    expect({ signIn, opsPhone }).toEqual({ signIn: [], opsPhone: [] });
    expect(opsOverflow).toBe(0);
  });
});
