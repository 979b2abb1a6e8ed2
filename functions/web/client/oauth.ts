/**
 * Sign-in through the Cognito hosted UI from the browser: the OAuth 2.0 authorization-code grant with PKCE
 * (RFC 7636, S256) for a public client, the code exchanged at the token endpoint, and the refresh token used
 * to renew the ID token before it expires (and once more when the API answers 401). Tokens live in
 * sessionStorage (this tab only); no library, no other origin than the hosted UI's.
 */

export interface HostedUi {
  /** The hosted UI's base URL, e.g. `https://ourco-sales.auth.eu-west-1.amazoncognito.com`. */
  readonly url: string;
  readonly clientId: string;
}

const VERIFIER_KEY = 'lq.pkce.verifier';
const STATE_KEY = 'lq.pkce.state';
const REFRESH_KEY = 'lq.refresh';

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
export const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** A high-entropy random string (32 random bytes → 43 characters of base64url). */
export const randomToken = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export const codeChallenge = async (verifier: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** Where the hosted UI sends the browser back: this page, without query or fragment. */
export const redirectUri = (): string => `${location.origin}${location.pathname}`;

/** Sends the browser to the hosted UI's sign-in, remembering the verifier and state for the way back. */
export const beginSignIn = async (auth: HostedUi): Promise<void> => {
  const verifier = randomToken();
  const state = randomToken();
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${auth.url.replace(/\/$/, '')}/oauth2/authorize?${params}`);
};

interface TokenAnswer {
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
}

const tokenRequest = async (auth: HostedUi, body: Record<string, string>): Promise<TokenAnswer> => {
  const res = await fetch(`${auth.url.replace(/\/$/, '')}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: auth.clientId, ...body }),
  });
  const answer = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (!res.ok || !answer.id_token)
    throw new Error(
      `Sign-in did not complete (${answer.error ?? `the sign-in service answered ${res.status}`})`,
    );
  return answer;
};

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** Keeps the session alive: renews the ID token a few minutes before it expires. */
const scheduleRefresh = (auth: HostedUi, expiresIn: number | undefined, store: (token: string) => void) => {
  clearTimeout(refreshTimer);
  const seconds = Math.max(30, (expiresIn ?? 3600) - 300);
  refreshTimer = setTimeout(() => void refreshSession(auth, store).catch(() => undefined), seconds * 1000);
};

/**
 * The way back from the hosted UI (`?code=…&state=…`): checks the state, exchanges the code with the verifier,
 * stores the tokens and cleans the address bar. Resolves false when this is not a way back.
 */
export const completeSignIn = async (auth: HostedUi, store: (token: string) => void): Promise<boolean> => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return false;
  const state = sessionStorage.getItem(STATE_KEY);
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (error) throw new Error(`Sign-in was not completed: ${params.get('error_description') ?? error}`);
  if (!state || !verifier || params.get('state') !== state)
    throw new Error('Sign-in answer does not match this tab’s request; sign in again');
  const answer = await tokenRequest(auth, {
    grant_type: 'authorization_code',
    code: code as string,
    redirect_uri: redirectUri(),
    code_verifier: verifier,
  });
  store(answer.id_token as string);
  if (answer.refresh_token) sessionStorage.setItem(REFRESH_KEY, answer.refresh_token);
  scheduleRefresh(auth, answer.expires_in, store);
  return true;
};

/** A fresh ID token from the refresh token; false when there is none (sign in again). */
export const refreshSession = async (auth: HostedUi, store: (token: string) => void): Promise<boolean> => {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return false;
  const answer = await tokenRequest(auth, { grant_type: 'refresh_token', refresh_token: refreshToken });
  store(answer.id_token as string);
  scheduleRefresh(auth, answer.expires_in, store);
  return true;
};

/** Forgets the refresh token and returns the hosted UI's sign-out address (it comes back to this page). */
export const signOutUrl = (auth: HostedUi): string => {
  sessionStorage.removeItem(REFRESH_KEY);
  clearTimeout(refreshTimer);
  const params = new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri() });
  return `${auth.url.replace(/\/$/, '')}/logout?${params}`;
};
