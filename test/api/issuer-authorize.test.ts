/**
 * The local issuer's browser login (authorization code + PKCE), as the staff dashboard runs
 * it: the login page, the redirect with a code, the code exchange, and every refusal.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtAuthenticator } from '@jiandu/api';
import { pkceChallenge } from '@jiandu/local/authorize';
import { type LocalIssuer, startIssuer } from '@jiandu/local/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dataDir: string;
let issuer: LocalIssuer;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jiandu-authorize-'));
  issuer = await startIssuer({ dataDir });
});
afterAll(async () => {
  await issuer?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const REDIRECT = 'http://127.0.0.1:3000/staff/callback';

function authorizeParams(verifier: string, overrides: Record<string, string> = {}) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: issuer.audience,
    redirect_uri: REDIRECT,
    state: 'st-1',
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  });
}

/** Pick a demo user on the login page: the redirect's code and state. */
async function pick(username: string, params: URLSearchParams) {
  const res = await fetch(`${issuer.url}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...params, ['username', username]]),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') };
}

const exchange = (fields: Record<string, string>) =>
  fetch(`${issuer.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: issuer.audience,
      redirect_uri: REDIRECT,
      ...fields,
    }),
  });

describe('local issuer: authorization code with PKCE', () => {
  it('announces the endpoints in its discovery document', async () => {
    const config = await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json();
    expect(config).toMatchObject({
      authorization_endpoint: `${issuer.url}/authorize`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('shows a zh-CN page listing the demo users', async () => {
    const res = await fetch(
      `${issuer.url}/authorize?${authorizeParams(randomBytes(32).toString('base64url'))}`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('选择演示用户登录');
    for (const user of issuer.users) expect(html).toContain(`value="${user.username}"`);
  });

  it('exchanges the code and verifier for an ID token the API accepts, once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code, state } = await pick('qingshan', authorizeParams(verifier));
    expect(state).toBe('st-1');
    const res = await exchange({ code, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const { id_token } = (await res.json()) as { id_token: string };
    const principal = await jwtAuthenticator({
      issuer: issuer.url,
      audience: issuer.audience,
      jwksUrl: issuer.jwksUrl,
    }).authenticate(`Bearer ${id_token}`);
    expect(principal).toMatchObject({ roles: ['township_officer'], township: '青山镇' });

    const again = await exchange({ code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong verifier and burns the code', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code } = await pick('inspector', authorizeParams(verifier));
    const wrong = await exchange({ code, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error_description: string }).error_description).toContain(
      'code_verifier',
    );
    expect((await exchange({ code, code_verifier: verifier })).status).toBe(400);
  });

  it('refuses a redirect to another machine and a flow without PKCE, without redirecting', async () => {
    const verifier = randomBytes(32).toString('base64url');
    for (const overrides of <Record<string, string>[]>[
      { redirect_uri: 'https://evil.example/cb' },
      { code_challenge_method: 'plain' },
      { client_id: 'someone-else' },
    ]) {
      const res = await fetch(`${issuer.url}/authorize?${authorizeParams(verifier, overrides)}`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('登录请求有误');
    }
  });
});
