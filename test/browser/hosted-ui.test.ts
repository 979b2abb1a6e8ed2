/**
 * Sign-in through a Cognito hosted UI in Chromium: the page sends the browser to the hosted UI with a PKCE
 * challenge, exchanges the code with the verifier, and renews the token with the refresh token when the API
 * says it expired. The hosted UI is a real local HTTP server speaking the OAuth endpoints Cognito serves
 * (`/oauth2/authorize`, `/oauth2/token`); the tokens it hands out are the local stack's own signed tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/start';
import { browserTestsEnabled, devToken, launchBrowser } from './support';

const enabled = browserTestsEnabled();
const CLIENT_ID = 'web-client-test';

describe.runIf(enabled)('sign-in through the hosted UI (authorization code + PKCE) in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let hosted: Server;
  let hostedUrl: string;
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const seen = { authorize: 0, exchanged: 0, badVerifier: 0, refreshed: 0 };

  beforeAll(async () => {
    hosted = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const cors = { 'access-control-allow-origin': '*' };
      if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
        seen.authorize++;
        const p = url.searchParams;
        if (
          p.get('response_type') !== 'code' ||
          p.get('client_id') !== CLIENT_ID ||
          p.get('code_challenge_method') !== 'S256' ||
          !p.get('code_challenge') ||
          !p.get('state')
        ) {
          res.writeHead(400).end('bad authorize request');
          return;
        }
        const code = randomBytes(8).toString('hex');
        codes.set(code, { challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')! });
        const back = new URL(p.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', p.get('state')!);
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', async () => {
          const form = new URLSearchParams(body);
          const answer = (status: number, json: unknown) =>
            res.writeHead(status, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(json));
          if (form.get('client_id') !== CLIENT_ID) return answer(400, { error: 'invalid_client' });
          if (form.get('grant_type') === 'authorization_code') {
            const issued = codes.get(form.get('code') ?? '');
            codes.delete(form.get('code') ?? '');
            const challenge = createHash('sha256')
              .update(form.get('code_verifier') ?? '')
              .digest('base64url');
            if (
              !issued ||
              issued.challenge !== challenge ||
              issued.redirectUri !== form.get('redirect_uri')
            ) {
              seen.badVerifier++;
              return answer(400, { error: 'invalid_grant' });
            }
            seen.exchanged++;
            return answer(200, {
              id_token: await devToken(stack, 'rep-bram'),
              access_token: 'unused',
              refresh_token: 'refresh-1',
              expires_in: 3600,
              token_type: 'Bearer',
            });
          }
          if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1') {
            seen.refreshed++;
            return answer(200, { id_token: await devToken(stack, 'rep-bram'), expires_in: 3600 });
          }
          return answer(400, { error: 'invalid_grant' });
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => hosted.listen(0, '127.0.0.1', resolve));
    hostedUrl = `http://127.0.0.1:${(hosted.address() as AddressInfo).port}`;
    [stack, browser] = await Promise.all([
      startLocalStack({
        dataDir: null,
        port: 0,
        emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
        retryVisibilitySeconds: 1,
        env: { LOG_LEVEL: 'ERROR', AUTH_HOSTED_UI_URL: hostedUrl, AUTH_CLIENT_ID: CLIENT_ID },
        log: () => {},
      }),
      launchBrowser(),
    ]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise<void>((resolve) => (hosted ? hosted.close(() => resolve()) : resolve()));
  });

  it('signs in with the code and the verifier, cleans the address, and renews an expired token silently', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${stack.url}/`);
    // Act: sign in
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Signed in as Bram Jansen' })
      .waitFor({ timeout: 30_000 });
    const address = page.url();
    const csp = (await (await fetch(`${stack.url}/`)).headers.get('content-security-policy')) ?? '';
    // Act: the token expires (the API answers 401); the next request renews it with the refresh token
    await page.evaluate(() => sessionStorage.setItem('lq.token', 'expired.token.value'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => seen.refreshed, { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toContain('refreshed');
    // Assess
    expect(seen).toMatchObject({ authorize: 1, exchanged: 1, badVerifier: 0 });
    expect(address).not.toContain('code=');
    expect(csp).toContain(`connect-src 'self' ${hostedUrl}`);
    expect(await page.locator('#status').getAttribute('data-kind')).toBe('ok');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses an answer whose state this tab did not ask for', async () => {
    // Prepare
    const context = await browser.newContext();
    const page = await context.newPage();
    // Act: a crafted link straight to the page with someone else's code
    await page.goto(`${stack.url}/?code=stolen&state=not-mine`);
    // Assess
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toContain('does not match');
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(1);
    expect(seen.badVerifier).toBe(0);
    await context.close();
  });
});
