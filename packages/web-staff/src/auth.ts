/**
 * Staff login: OpenID Connect authorization code with PKCE (RFC 7636) against the issuer the
 * API trusts — Cognito's hosted UI in AWS, the local issuer on `npm start`. Where to log in
 * comes from the runtime config `/staff/config.json` (written by the platform or the CDK
 * stack), so one build serves every deployment.
 *
 * The ID token lives in memory only (never localStorage): a reload or a new tab logs in again
 * (the identity provider's own session makes that one click). Only the PKCE verifier, the
 * state and the page to return to sit in sessionStorage for the length of the redirect.
 */

/** `/staff/config.json`. */
export interface StaffConfig {
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** Cognito's `/logout`; absent locally (signing out forgets the token). */
  readonly logoutEndpoint?: string;
  readonly scope?: string;
}

/** Who is signed in, as their ID token says (for display and navigation; the API decides). */
export interface Session {
  readonly idToken: string;
  readonly expiresAt: number;
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly township?: string;
  readonly department?: string;
}

const PENDING = 'jiandu.login';
const BASE = import.meta.env.BASE_URL;

let session: Session | undefined;
let config: StaffConfig | undefined;

/** The runtime config, fetched once. */
export async function staffConfig(): Promise<StaffConfig> {
  if (!config) {
    const res = await fetch(`${BASE}config.json`, { cache: 'no-cache' });
    if (!res.ok) throw new Error('无法读取登录配置（config.json），请联系管理员');
    config = (await res.json()) as StaffConfig;
  }
  return config;
}

/** The signed-in session, while its token is valid. */
export function currentSession(): Session | undefined {
  if (session && session.expiresAt <= Date.now()) session = undefined;
  return session;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const redirectUri = () => `${location.origin}${BASE}callback`;

/** Go to the identity provider's login page; come back to `returnTo` afterwards. */
export async function signIn(returnTo: string): Promise<void> {
  const cfg = await staffConfig();
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(cfg.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(),
    scope: cfg.scope ?? 'openid',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

/**
 * The redirect back from the identity provider: exchange the code (with the verifier) for
 * tokens; returns the page to show next.
 */
export async function completeSignIn(params: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  if (params.get('error'))
    throw new Error(`登录未完成：${params.get('error_description') ?? params.get('error')}`);
  if (!pending || params.get('state') !== pending.state) throw new Error('登录请求已失效，请重新登录');
  const cfg = await staffConfig();
  const res = await fetch(cfg.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cfg.clientId,
      code: params.get('code') ?? '',
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    id_token?: string;
    expires_in?: number;
    error_description?: string;
  };
  if (!res.ok || !body.id_token) throw new Error(`登录失败：${body.error_description ?? res.status}`);
  const claims = decodeClaims(body.id_token);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const township = str(claims['custom:township']);
  const department = str(claims['custom:department']);
  session = {
    idToken: body.id_token,
    expiresAt:
      typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + (body.expires_in ?? 3600) * 1000,
    subject: String(claims.sub ?? ''),
    name: str(claims.name) ?? str(claims['cognito:username']) ?? String(claims.sub ?? ''),
    roles: Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [],
    ...(township ? { township } : {}),
    ...(department ? { department } : {}),
  };
  return pending.returnTo;
}

/** Forget the token; at Cognito also end the hosted UI's session. */
export async function signOut(): Promise<void> {
  session = undefined;
  const cfg = await staffConfig();
  if (cfg.logoutEndpoint) {
    const url = new URL(cfg.logoutEndpoint);
    url.search = new URLSearchParams({
      client_id: cfg.clientId,
      logout_uri: `${location.origin}${BASE}`,
    }).toString();
    location.assign(url.toString());
  }
}
