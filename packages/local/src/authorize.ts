/**
 * The browser login of the local issuer: OAuth 2.0 authorization code with PKCE (RFC 7636,
 * S256 only), the flow the staff dashboard runs against Cognito's hosted UI in AWS. Locally
 * the "hosted UI" is a zh-CN page listing the demo users: picking one redirects back to the
 * dashboard with a one-time code, which `POST /token` exchanges (with the code verifier) for
 * the same ID token a password login gets.
 *
 * Local use only (the issuer listens on 127.0.0.1): anyone on this machine may pick a demo
 * user, as anyone here can read their passwords from the data folder.
 */
import { createHash, randomBytes } from 'node:crypto';

/** One authorization request of the dashboard, as `GET /authorize` receives it. */
export interface AuthorizeRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
}

/** A demo user as the login page lists it. */
export interface LoginChoice {
  readonly username: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly township?: string;
  readonly department?: string;
}

/** What the token endpoint needs to know of an issued code. */
interface IssuedCode extends AuthorizeRequest {
  readonly username: string;
  readonly expiresAt: number;
}

/** Codes live one minute and are used once (RFC 6749 §4.1.2 recommends at most ten minutes). */
const CODE_SECONDS = 60;

/** A Chinese OAuth error (`error` as the RFC names it, `error_description` for people). */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
  }
}

/** Only pages on this machine may receive codes: the issuer is a local convenience. */
function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Check the query of `GET /authorize` (and of the page's form post): code flow, this
 * issuer's client, a loopback redirect and an S256 challenge.
 */
export function parseAuthorizeRequest(params: URLSearchParams, audience: string): AuthorizeRequest {
  const get = (name: string) => params.get(name) ?? '';
  if (get('response_type') !== 'code')
    throw new OAuthError('invalid_request', 'response_type 须为 code（授权码模式）');
  if (get('client_id') !== audience)
    throw new OAuthError('unauthorized_client', `client_id 须为本签发方的应用 ${audience}`);
  if (!isLoopback(get('redirect_uri')))
    throw new OAuthError('invalid_request', 'redirect_uri 须为本机地址（http://127.0.0.1 或 localhost）');
  if (get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(get('code_challenge')))
    throw new OAuthError(
      'invalid_request',
      '须使用 PKCE：code_challenge_method=S256 和 43 位 code_challenge',
    );
  if (get('state').length > 512) throw new OAuthError('invalid_request', 'state 过长');
  return {
    clientId: get('client_id'),
    redirectUri: get('redirect_uri'),
    state: get('state'),
    codeChallenge: get('code_challenge'),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const ROLE_LABELS: Readonly<Record<string, string>> = {
  admin: '管理员',
  inspector: '检查员',
  township_officer: '乡镇纪委',
  department_uploader: '部门数据员',
  supervisor: '村务监督委员会',
};

/** The zh-CN login page: one button per demo user, posting back the request it came with. */
export function loginPage(request: AuthorizeRequest, users: readonly LoginChoice[]): string {
  const hidden = Object.entries({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
  })
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
  const buttons = users
    .map((u) => {
      const scope = u.township ?? u.department ?? '全县';
      const roles = u.roles.map((r) => ROLE_LABELS[r] ?? r).join('、');
      return `<li><button type="submit" name="username" value="${escapeHtml(u.username)}">${escapeHtml(u.name)}<span>${escapeHtml(roles)} · ${escapeHtml(scope)} · ${escapeHtml(u.username)}</span></button></li>`;
    })
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录 · 本地演示签发方</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
ul{list-style:none;padding:0}li{margin:.5rem 0}button{width:100%;text-align:left;padding:.75rem 1rem;font-size:1rem;border:1px solid #555;border-radius:6px;background:#fff;cursor:pointer}
button:hover,button:focus{background:#eef3fb;outline:3px solid #1d4f91}button span{display:block;color:#444;font-size:.875rem;margin-top:.25rem}
p{color:#333}</style></head><body><main><h1>选择演示用户登录</h1>
<p>这是本机演示平台（npm start）的登录页，仅在本机可用。在 AWS 中由 Cognito 托管登录页代替，需要密码和动态验证码（MFA）。</p>
<form method="post" action="authorize">${hidden}<ul>${buttons}</ul></form></main></body></html>`;
}

/** S256 of a PKCE code verifier, base64url without padding. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The one-time codes of the issuer, in memory (a restart forgets them: log in again). */
export class AuthorizationCodes {
  readonly #codes = new Map<string, IssuedCode>();

  /** Issue a code for `username` and the request; returns where to send the browser. */
  issue(request: AuthorizeRequest, username: string, nowMs = Date.now()): string {
    for (const [code, issued] of this.#codes) if (issued.expiresAt <= nowMs) this.#codes.delete(code);
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(code, { ...request, username, expiresAt: nowMs + CODE_SECONDS * 1000 });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state) target.searchParams.set('state', request.state);
    return target.toString();
  }

  /**
   * Redeem a code (`grant_type=authorization_code`): once, within its minute, by the client
   * and redirect it was issued to, with the verifier of its challenge. Returns the user.
   */
  redeem(params: URLSearchParams, nowMs = Date.now()): string {
    const code = params.get('code') ?? '';
    const issued = this.#codes.get(code);
    this.#codes.delete(code);
    if (!issued || issued.expiresAt <= nowMs)
      throw new OAuthError('invalid_grant', '授权码无效、已使用或已过期，请重新登录');
    if (params.get('client_id') !== issued.clientId || params.get('redirect_uri') !== issued.redirectUri)
      throw new OAuthError('invalid_grant', 'client_id 或 redirect_uri 与申请授权码时不一致');
    const verifier = params.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || pkceChallenge(verifier) !== issued.codeChallenge)
      throw new OAuthError('invalid_grant', 'code_verifier 与 code_challenge 不符');
    return issued.username;
  }
}
