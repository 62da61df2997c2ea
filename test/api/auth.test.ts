/**
 * Bearer-token verification and jurisdiction rules: the real `jwtAuthenticator` against
 * tokens signed by a test key (in-memory JWKS) and by the local issuer over HTTP (remote JWKS).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertDepartment,
  assertTownship,
  canSeeDepartment,
  canSeeTownship,
  departmentScope,
  jwtAuthenticator,
  type Principal,
  principalFromClaims,
  townshipScope,
} from '@jiandu/api';
import { buildCounty } from '@jiandu/demo/geography';
import { Rng } from '@jiandu/demo/random';
import { ForbiddenError, NotFoundError } from '@jiandu/domain/errors';
import { DEMO_USERS, type LocalIssuer, startIssuer } from '@jiandu/local/issuer';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestIdentity,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_USERS,
  type TestIdentity,
} from '../support/identity.js';

let identity: TestIdentity;
beforeAll(async () => {
  identity = await createTestIdentity();
});

/** An authenticator over the test JWKS that records why tokens were refused. */
function recording() {
  const reasons: string[] = [];
  const authenticator = jwtAuthenticator({
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    jwks: identity.jwks,
    onRejected: (reason) => reasons.push(reason),
  });
  return { authenticator, reasons };
}

const bearer = (token: string) => `Bearer ${token}`;

describe('jwtAuthenticator', () => {
  it('maps a valid ID token to a principal: groups → roles, custom attributes → jurisdiction', async () => {
    const { authenticator } = recording();
    const officer = await authenticator.authenticate(
      bearer(await identity.token(TEST_USERS.township_officer)),
    );
    expect(officer).toEqual({
      subject: 'u-qingshan',
      roles: ['township_officer'],
      name: '王镇',
      township: '青山镇',
    });
    const uploader = await authenticator.authenticate(
      bearer(await identity.token(TEST_USERS.department_uploader)),
    );
    expect(uploader).toMatchObject({ roles: ['department_uploader'], department: 'civil-affairs' });
    expect(uploader?.township).toBeUndefined();
  });

  it('ignores unknown groups and drops scoped roles that lack their jurisdiction attribute', async () => {
    const { authenticator } = recording();
    const principal = await authenticator.authenticate(
      bearer(
        await identity.token({
          sub: 'u-mixed',
          groups: ['inspector', 'superuser', 'township_officer', 'department_uploader'],
        }),
      ),
    );
    // No custom:township / custom:department: only the county-wide role survives.
    expect(principal).toEqual({ subject: 'u-mixed', roles: ['inspector'] });
    const nobody = await authenticator.authenticate(
      bearer(await identity.token({ sub: 'u-none', groups: ['Admins'] })),
    );
    expect(nobody).toEqual({ subject: 'u-none', roles: [] });
  });

  it.each([
    ['expired', { expiresIn: -60 }, 'ERR_JWT_EXPIRED'],
    ['not yet valid', { notBefore: 600 }, 'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf'],
    ['from another issuer', { issuer: 'https://evil.example/jiandu' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED:iss'],
    ['for another app client', { audience: 'another-client' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED:aud'],
    ['signed by another key', { forged: true }, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['an access token', { tokenUse: 'access' }, 'token_use'],
  ] as const)('refuses a token %s', async (_label, options, reason) => {
    const { authenticator, reasons } = recording();
    const token = await identity.token(TEST_USERS.inspector, options);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(reasons).toEqual([reason]);
  });

  it('refuses a token whose claims were edited after signing', async () => {
    const { authenticator, reasons } = recording();
    const [header, payload, signature] = (await identity.token(TEST_USERS.township_officer)).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    claims['cognito:groups'] = ['admin'];
    const edited = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(await authenticator.authenticate(bearer(`${header}.${edited}.${signature}`))).toBeUndefined();
    expect(reasons).toEqual(['ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
  });

  it('refuses unsigned tokens and HMAC tokens keyed with the public key', async () => {
    const { authenticator, reasons } = recording();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: 'u-x',
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      exp: now + 600,
      token_use: 'id',
      'cognito:groups': ['admin'],
    };
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(await authenticator.authenticate(bearer(unsigned))).toBeUndefined();
    const publicJwk = identity.jwks.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: publicJwk?.kid })
      .sign(secret);
    expect(await authenticator.authenticate(bearer(hmac))).toBeUndefined();
    expect(reasons).toEqual(['ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_ALG_NOT_ALLOWED']);
  });

  it('requires exp and sub', async () => {
    const { authenticator, reasons } = recording();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k2', alg: 'ES256' }] };
    const strict = jwtAuthenticator({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      jwks,
      onRejected: (r) => reasons.push(r),
    });
    const base = new SignJWT({ token_use: 'id', 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE);
    const noExp = await base.setSubject('u-1').sign(privateKey);
    expect(await strict.authenticate(bearer(noExp))).toBeUndefined();
    expect(reasons).toEqual(['ERR_JWT_CLAIM_VALIDATION_FAILED:exp']);
    expect(await authenticator.authenticate(undefined)).toBeUndefined();
  });

  it('accepts RS256, the algorithm Cognito signs with', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'rsa-1', alg: 'RS256' }] };
    const authenticator = jwtAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks });
    const token = await new SignJWT({ token_use: 'id', 'cognito:groups': ['supervisor'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setSubject('u-rsa')
      .setExpirationTime('10m')
      .sign(privateKey);
    expect(await authenticator.authenticate(bearer(token))).toEqual({
      subject: 'u-rsa',
      roles: ['supervisor'],
    });
  });

  it('treats anything but a bearer JWT as no credentials', async () => {
    const { authenticator, reasons } = recording();
    const token = await identity.token(TEST_USERS.admin);
    for (const header of ['', `Basic ${token}`, 'Bearer', 'Bearer not-a-jwt', `Bearer ${token} extra`]) {
      expect(await authenticator.authenticate(header), header).toBeUndefined();
    }
    expect(reasons.every((r) => r === 'malformed_authorization')).toBe(true);
    expect(await authenticator.authenticate(`bearer ${token}`)).toMatchObject({ roles: ['admin'] });
  });

  it('never maps a token without a subject', () => {
    expect(principalFromClaims({ 'cognito:groups': ['admin'] })).toBeUndefined();
    expect(principalFromClaims({ sub: '  ', 'cognito:groups': ['admin'] })).toBeUndefined();
  });
});

describe('the local issuer and remote JWKS', () => {
  let dataDir: string;
  let issuer: LocalIssuer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-issuer-'));
    issuer = await startIssuer({ dataDir });
  });
  afterAll(async () => {
    await issuer?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const login = (username: string, password: string) =>
    fetch(issuer.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('publishes its configuration and keys', async () => {
    const config = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      issuer: issuer.url,
      jwks_uri: issuer.jwksUrl,
      token_endpoint: issuer.tokenUrl,
    });
    const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    // Public half only.
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('has a user for every role, an officer for every township of the demo county, two departments', () => {
    const roles = new Set(issuer.users.flatMap((u) => u.roles));
    expect([...roles].sort()).toEqual([
      'admin',
      'department_uploader',
      'inspector',
      'supervisor',
      'township_officer',
    ]);
    expect(issuer.users.filter((u) => u.township).map((u) => u.township)).toEqual(
      buildCounty(new Rng(1)).townships.map((t) => t.name),
    );
    expect(issuer.users.filter((u) => u.department).map((u) => u.department)).toEqual([
      'civil-affairs',
      'police',
    ]);
    expect(issuer.users.map((u) => u.username)).toEqual(DEMO_USERS.map((u) => u.username));
    expect(new Set(issuer.users.map((u) => u.password)).size).toBe(issuer.users.length);
  });

  it('logs a demo user in, and the API verifies the token through the JWKS URL', async () => {
    const qingshan = issuer.users.find((u) => u.username === 'qingshan');
    const response = await login('qingshan', qingshan?.password ?? '');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string; access_token: string; expires_in: number };
    expect(body.expires_in).toBe(3600);
    const authenticator = jwtAuthenticator({
      issuer: issuer.url,
      audience: issuer.audience,
      jwksUrl: issuer.jwksUrl,
    });
    expect(await authenticator.authenticate(`Bearer ${body.id_token}`)).toEqual({
      subject: 'local-qingshan',
      roles: ['township_officer'],
      name: '青山镇纪委',
      township: '青山镇',
    });
  });

  it('refuses wrong passwords, unknown users and malformed bodies', async () => {
    expect((await login('inspector', 'wrong-password')).status).toBe(401);
    expect((await login('nobody', 'whatever-password')).status).toBe(401);
    const bad = await fetch(issuer.tokenUrl, { method: 'POST', body: '{"username":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_request');
    const form = await fetch(issuer.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: 'admin',
        password: issuer.users.find((u) => u.username === 'admin')?.password ?? '',
      }),
    });
    expect(form.status).toBe(200);
  });

  it('keeps its key and passwords in the data folder, so tokens survive a restart', async () => {
    const token = await issuer.mint('inspector');
    const port = Number(new URL(issuer.url).port);
    const before = issuer.users;
    await issuer.stop();
    issuer = await startIssuer({ dataDir, port });
    expect(issuer.users).toEqual(before);
    const authenticator = jwtAuthenticator({
      issuer: issuer.url,
      audience: issuer.audience,
      jwksUrl: issuer.jwksUrl,
    });
    expect(await authenticator.authenticate(`Bearer ${token}`)).toMatchObject({ roles: ['inspector'] });
    // The private key file is the owner's only.
    expect(statSync(join(dataDir, 'identity', 'signing-key.json')).mode & 0o077).toBe(0);
  });

  it('reports an unreachable JWKS as an error, not as a bad token', async () => {
    const token = await issuer.mint('inspector');
    const authenticator = jwtAuthenticator({
      issuer: issuer.url,
      audience: issuer.audience,
      jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    });
    await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toThrow();
  });
});

describe('jurisdiction', () => {
  const inspector: Principal = { subject: 'i', roles: ['inspector'] };
  const qingshan: Principal = { subject: 'q', roles: ['township_officer'], township: '青山镇' };
  const civil: Principal = { subject: 'c', roles: ['department_uploader'], department: 'civil-affairs' };
  const supervisor: Principal = { subject: 's', roles: ['supervisor'] };

  it('lets county-wide roles see every township and department', () => {
    expect(canSeeTownship(inspector, '石门乡')).toBe(true);
    expect(canSeeTownship(inspector, undefined)).toBe(true);
    expect(canSeeDepartment(inspector, 'police')).toBe(true);
    expect(townshipScope(inspector)).toBeUndefined();
    expect(townshipScope(inspector, '石门乡')).toBe('石门乡');
  });

  it("limits a township officer to their township, and hides other townships' objects as not found", () => {
    expect(canSeeTownship(qingshan, '青山镇')).toBe(true);
    expect(canSeeTownship(qingshan, '石门乡')).toBe(false);
    expect(canSeeTownship(qingshan, undefined)).toBe(false);
    expect(() => assertTownship(qingshan, '石门乡', 'Lead')).toThrow(NotFoundError);
    expect(() => assertTownship(qingshan, '青山镇', 'Lead')).not.toThrow();
    expect(townshipScope(qingshan)).toBe('青山镇');
    expect(() => townshipScope(qingshan, '石门乡')).toThrow(ForbiddenError);
    expect(canSeeDepartment(qingshan, 'civil-affairs')).toBe(false);
  });

  it("limits a department uploader to their department's datasets", () => {
    expect(canSeeDepartment(civil, 'civil-affairs')).toBe(true);
    expect(() => assertDepartment(civil, 'police', 'Version')).toThrow(NotFoundError);
    expect(departmentScope(civil)).toBe('civil-affairs');
    expect(() => departmentScope(civil, 'police')).toThrow(ForbiddenError);
    expect(canSeeTownship(civil, '青山镇')).toBe(false);
  });

  it('gives roles without a jurisdiction nothing', () => {
    expect(canSeeTownship(supervisor, '青山镇')).toBe(false);
    expect(canSeeDepartment(supervisor, 'civil-affairs')).toBe(false);
    expect(() => townshipScope(supervisor)).toThrow(ForbiddenError);
    expect(() => departmentScope(supervisor)).toThrow(ForbiddenError);
  });
});
