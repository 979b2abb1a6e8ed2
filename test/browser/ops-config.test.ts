/**
 * The ops editor for scoring rules, routing and team in headless Chromium against the whole local stack: an
 * invalid edit shows the rule and field at fault, a valid one is saved as a draft (the published version
 * stays), publishing it and rolling back work from the history, a backtest shows the editor's rules beside
 * the published ones on leads of known outcome, and axe-core finds no serious violation.
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

describe.runIf(enabled)('ops editor for versioned rules in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let site: Awaited<ReturnType<typeof startCompanySite>>;

  beforeAll(async () => {
    site = await startCompanySite();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${stack.url}/ops`);
    await signInAs(page, 'ops-lars');
    await page.locator('#cfg-history tr[data-version="1"]').waitFor();
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
    await site?.close();
  });

  const published = async () => {
    const token = await devToken(stack, 'ops-lars');
    const res = await fetch(`${stack.url}/ops/config/rules`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await res.json()) as { published: { version: number; yaml: string } }).published;
  };

  it('names the rule and field of an invalid edit and saves nothing', async () => {
    // Prepare
    const yaml = page.getByLabel('Scoring rules (YAML)');
    const original = await yaml.inputValue();
    // Act
    await yaml.fill(original.replace('points: 20', 'points: twenty'));
    await page.getByLabel('Note for this version (required)').fill('try a word');
    await page.getByRole('button', { name: 'Validate and save draft' }).click();
    // Assess
    const issue = page.locator('#cfg-issues li').first();
    await issue.waitFor();
    expect(await issue.textContent()).toContain('rules[0] (employees-10-200).points');
    expect(await yaml.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#cfg-history tbody tr').count()).toBe(1);
  });

  it('saves a draft without publishing it, publishes it from the history, and rolls back', async () => {
    // Prepare
    const yaml = page.getByLabel('Scoring rules (YAML)');
    const original = (await published()).yaml;
    // Act: a draft
    await yaml.fill(original.replace('points: 20', 'points: 12'));
    await page.getByLabel('Note for this version (required)').fill('size weighs less');
    await page.getByRole('button', { name: 'Validate and save draft' }).click();
    await page.locator('#cfg-history tr[data-version="2"]').waitFor();
    // Assess
    expect(await page.locator('#cfg-history tr[data-version="2"]').textContent()).toContain('draft');
    expect((await published()).version).toBe(1);

    // Act: publish it
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is published' }).waitFor();
    // Assess
    expect((await published()).yaml).toContain('points: 12');

    // Act: roll back to the shipped version
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.locator('#cfg-history tr[data-version="3"]').waitFor();
    // Assess
    const now = await published();
    expect(now.version).toBe(3);
    expect(now.yaml).toBe(original);
    expect(await page.locator('#cfg-history tr[data-version="3"]').textContent()).toContain(
      'rollback to version 1',
    );
  });

  it('backtests the rules in the editor against the published version, side by side', async () => {
    // Prepare: four leads scored, two got a meeting and two were lost
    const token = await devToken(stack, 'ops-lars');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await postLead(stack, hotLead(`bt${i}${Date.now().toString(36)}`, site.url)));
    const routed = async (id: string) => {
      const res = await fetch(`${stack.url}/leads/${id}`, { headers: { authorization: `Bearer ${token}` } });
      return res.ok && ((await res.json()) as { route?: unknown }).route !== undefined;
    };
    for (const id of ids) {
      const deadline = Date.now() + 90_000;
      while (!(await routed(id))) {
        if (Date.now() > deadline) throw new Error(`lead ${id} was not routed`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const db = DynamoDBDocumentClient.from(localDynamoDb(stack.endpoints.dynamodb));
    for (const [i, id] of ids.entries())
      await db.send(
        new UpdateCommand({
          TableName: stack.provisioned.tables.leads,
          Key: { pk: `LEAD#${id}`, sk: 'LEAD' },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': i % 2 ? 'lost' : 'meeting' },
        }),
      );
    db.destroy();
    await page.getByLabel('Configuration to edit').selectOption('rules');
    const yaml = page.getByLabel('Scoring rules (YAML)');
    await page.waitForFunction(() =>
      (document.getElementById('cfg-yaml') as HTMLTextAreaElement | null)?.value.includes('tiers:'),
    );
    const text = await yaml.inputValue();
    // Act: hot only from 500 points
    await yaml.fill(
      text
        .replace(/warm: \[(\d+), \d+\]/, 'warm: [$1, 499]')
        .replace(/hot: \[\d+, null\]/, 'hot: [500, null]'),
    );
    await page.getByRole('button', { name: 'Backtest the editor’s rules' }).click();
    const table = page.locator('#backtest-table');
    await table.waitFor({ timeout: 60_000 });
    // Assess
    expect(await table.textContent()).toContain('AUC');
    expect(await table.textContent()).toContain('Qualification → meeting');
    const hotRow = page.locator('#backtest-table tr', { hasText: 'hot: leads' });
    expect(await hotRow.locator('td').first().textContent()).toMatch(/^0 /);
    expect(await page.locator('#backtest-changed').textContent()).toMatch(
      /^[1-9]\d* of \d+ leads change tier/,
    );
    expect((await published()).yaml).toBe(text);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('switches to the team and has no serious accessibility violations', async () => {
    // Act
    await page.getByLabel('Configuration to edit').selectOption('team');
    await page.getByLabel('Team (YAML)').waitFor();
    await page.waitForFunction(() =>
      (document.getElementById('cfg-yaml') as HTMLTextAreaElement | null)?.value.includes('people:'),
    );
    const violations = await seriousViolations(page);
    // Assess
    expect(violations).toEqual([]);
  });
});
