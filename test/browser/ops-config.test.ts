/**
 * The ops editor for scoring rules, routing and team in headless Chromium against the whole local stack: an
 * invalid edit shows the rule and field at fault, a valid one is saved as a draft (the published version
 * stays), publishing it and rolling back work from the history, and axe-core finds no serious violation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/start';
import {
  browserTestsEnabled,
  devToken,
  launchBrowser,
  seriousViolations,
  signInAs,
  startStack,
} from './support';

const enabled = browserTestsEnabled();

describe.runIf(enabled)('ops editor for versioned rules in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
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
