/**
 * The insights page in headless Chromium against the whole local stack: a manager sees speed to lead,
 * qualification → meeting, the funnel and the per-rule table for leads that really went through the
 * pipeline (outcomes set on the stored leads), every figure links to the workspace list of the leads behind it, the
 * charts are inline SVG, a manager draws the false-negative sample and flags a lead, and axe-core finds no
 * serious or critical violation. A rep may not see insights.
 */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDb } from '../../local/aws';
import type { LocalStack } from '../../local/start';
import {
  browserTestsEnabled,
  devToken,
  hotLead,
  launchBrowser,
  postLead,
  seriousViolations,
  signInAs,
  startCompanySite,
  startStack,
} from './support';

const enabled = browserTestsEnabled();

describe.runIf(enabled)('insights page in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let site: Awaited<ReturnType<typeof startCompanySite>>;
  const coldIds: string[] = [];
  const hotIds: string[] = [];

  beforeAll(async () => {
    site = await startCompanySite();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();

    // Four leads through the pipeline; once drafted, two get a meeting and two are lost, and the first
    // emails of three went out 12, 30 and 45 minutes after submission.
    const token = await devToken(stack, 'ops-lars');
    const run = Date.now().toString(36);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await postLead(stack, hotLead(`ins${i}${run}`, site.url)));
    hotIds.push(...ids);
    // … and two one-person companies on free mail, scored below the sales threshold (nurture).
    for (let i = 0; i < 2; i++)
      coldIds.push(
        await postLead(stack, {
          email: `klusjes.${i}.${run}@gmail.com`,
          firstName: 'Tom',
          company: `Toms Klusbedrijf ${i}`,
          employees: '1',
          country: 'NL',
          message: 'Wat kost het ongeveer?',
          formType: 'contact',
        }),
      );
    type Seen = { draft?: unknown; receivedAt: string; lead?: { submittedAt?: string } };
    const drafted = async (id: string): Promise<Seen | undefined> => {
      const res = await fetch(`${stack.url}/leads/${id}`, { headers: { authorization: `Bearer ${token}` } });
      const body = res.ok ? ((await res.json()) as Seen) : undefined;
      return body?.draft ? body : undefined;
    };
    const db = DynamoDBDocumentClient.from(localDynamoDb(stack.endpoints.dynamodb));
    for (const [i, id] of ids.entries()) {
      const deadline = Date.now() + 90_000;
      let seen = await drafted(id);
      while (!seen) {
        if (Date.now() > deadline) throw new Error(`lead ${id} was not drafted`);
        await new Promise((r) => setTimeout(r, 250));
        seen = await drafted(id);
      }
      const sentAt = new Date(
        Date.parse(seen.lead?.submittedAt ?? seen.receivedAt) + [12, 30, 45, 60][i]! * 60_000,
      ).toISOString();
      await db.send(
        new UpdateCommand({
          TableName: stack.provisioned.tables.leads,
          Key: { pk: `LEAD#${id}`, sk: 'LEAD' },
          UpdateExpression: i < 3 ? 'SET #s = :s, #steps.#send = :t' : 'SET #s = :s',
          ExpressionAttributeNames: {
            '#s': 'status',
            ...(i < 3 ? { '#steps': 'steps', '#send': 'send' } : {}),
          },
          ExpressionAttributeValues: {
            ':s': i % 2 ? 'lost' : 'meeting',
            ...(i < 3 ? { ':t': { ms: 100, at: sentAt } } : {}),
          },
        }),
      );
    }
    db.destroy();
    for (const id of coldIds) {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const res = await fetch(`${stack.url}/leads/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.ok && ((await res.json()) as { route?: unknown }).route) break;
        if (Date.now() > deadline) throw new Error(`lead ${id} was not routed`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
    await site?.close();
  });

  it('is for managers and ops only', async () => {
    // Act
    const rep = await fetch(`${stack.url}/insights/data`, {
      headers: { authorization: `Bearer ${await devToken(stack, 'rep-bram')}` },
    });
    const anonymous = await fetch(`${stack.url}/insights/data`);
    // Assess
    expect(rep.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });

  it('shows a manager the figures with charts and links to the leads behind them, accessibly', async () => {
    // Act
    await page.goto(`${stack.url}/insights`);
    await signInAs(page, 'mgr-sofie');
    await page.locator('#speed-table').waitFor({ timeout: 60_000 });
    // Assess: speed to lead this week — 3 contacted, p50 30 min
    const lastWeek = page.locator('#speed-table tbody tr').last();
    const cells = await lastWeek.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['4', '3', '30 min', '45 min']);
    // Qualification → meeting: 2 of 4 hot leads
    expect(await page.locator('#tier-table tr', { hasText: 'hot' }).locator('td').first().textContent()).toBe(
      '50 %',
    );
    // Funnel
    const funnel = await page.locator('#funnel-table tbody tr').allTextContents();
    expect(funnel).toEqual(expect.arrayContaining(['routed6', 'contacted3', 'meeting2']));
    // Links carry the ids of the leads behind each figure
    const hotLink = page.locator('#tier-table a', { hasText: '4' });
    const href = new URL((await hotLink.getAttribute('href'))!, stack.url);
    expect(href.pathname).toBe('/');
    const linked = new URLSearchParams(href.hash.slice('#leads?'.length));
    expect(linked.get('ids')?.split(',').sort()).toEqual([...hotIds].sort());
    expect(linked.get('label')).toBe('4 closed hot leads');
    expect(await page.locator('#rules-table tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('section#speed svg[role="img"] rect').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lets a manager draw the false-negative sample and flag a lead that should have gone to sales', async () => {
    // Prepare
    await page.locator('#fn-draw').waitFor();
    // Act
    await page.locator('#fn-draw').click();
    await page.locator('#fn-table tbody tr').first().waitFor();
    const sampled = await page.locator('#fn-table tbody tr a').allTextContents();
    await page.locator('#fn-table tbody tr').first().getByRole('button', { name: /^Yes/ }).click();
    await page.locator('#alarms li', { hasText: 'False negatives' }).waitFor();
    // Assess
    expect(sampled.sort()).toEqual([...coldIds].sort());
    expect(await page.locator('#fn-summary').textContent()).toContain('1 answered, 1 flagged (100 %');
    expect(
      await page
        .locator('#fn-table tbody tr')
        .first()
        .getByRole('button', { name: /^Yes/ })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens the leads behind a figure in the workspace when a manager clicks it, with a way back to all leads', async () => {
    // Prepare
    await page.goto(`${stack.url}/insights`);
    await page.locator('#tier-table').waitFor({ timeout: 60_000 });
    // Act
    await page.locator('#tier-table a', { hasText: '4' }).click();
    await page
      .locator('#list-h', { hasText: 'Leads behind: 4 closed hot leads' })
      .waitFor({ timeout: 60_000 });
    await page.locator('#leads a[href^="#lead/"]').nth(3).waitFor({ timeout: 60_000 });
    // Assess
    const listed = await page
      .locator('#leads a[href^="#lead/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!.slice('#lead/'.length)));
    expect([...new Set(listed)].sort()).toEqual([...hotIds].sort());
    await page.locator('#all-leads').click();
    await page.locator('#list-h', { hasText: /^Leads / }).waitFor();
    expect(await page.locator('#list-h').textContent()).not.toContain('Leads behind');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
