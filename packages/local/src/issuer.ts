/**
 * The local identity provider of `npm start`: a small OIDC-style issuer that signs
 * Cognito-shaped ID tokens for the demo users, so the API verifies tokens locally exactly
 * as it does in AWS (issuer, audience, expiry, signature via the JWKS).
 *
 * The signing key and the demo users' passwords are generated once and kept in the data
 * folder, so tokens survive restarts (as long as the issuer keeps its URL, i.e. its port).
 * Local use only: passwords are random but stored in clear in the data folder.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Role } from '@jiandu/api/auth';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import * as z from 'zod';
import { AuthorizationCodes, loginPage, OAuthError, parseAuthorizeRequest } from './authorize.js';

/** The app client id local tokens are issued to (`aud`), the counterpart of Cognito's app client. */
export const LOCAL_AUDIENCE = 'jiandu-local';
/** ID-token lifetime of `/token` logins, in seconds (Cognito's default is one hour). */
export const LOGIN_TOKEN_SECONDS = 3600;
/** Signing algorithm of the local issuer (the API accepts ES256 and RS256). */
export const LOCAL_ALGORITHM = 'ES256';

/** A demo user of the local issuer. */
export interface DemoUserSpec {
  readonly username: string;
  readonly roles: readonly Role[];
  /** Display name (`name` claim). */
  readonly name: string;
  /** `township_officer`: the township as the demo county writes it. */
  readonly township?: string;
  /** `department_uploader`: the department code. */
  readonly department?: string;
}

/** A demo user with its (local-only) password. */
export interface DemoUser extends DemoUserSpec {
  readonly password: string;
}

/** One user per role; a township officer for every township of the demo county, uploaders for two departments. */
export const DEMO_USERS: readonly DemoUserSpec[] = [
  { username: 'admin', roles: ['admin'], name: '县纪委监委管理员' },
  { username: 'inspector', roles: ['inspector'], name: '县纪委监委检查员' },
  { username: 'qingshan', roles: ['township_officer'], name: '青山镇纪委', township: '青山镇' },
  { username: 'huishangang', roles: ['township_officer'], name: '灰山港镇纪委', township: '灰山港镇' },
  { username: 'shimen', roles: ['township_officer'], name: '石门乡纪委', township: '石门乡' },
  {
    username: 'civil-affairs',
    roles: ['department_uploader'],
    name: '县民政局数据员',
    department: 'civil-affairs',
  },
  { username: 'police', roles: ['department_uploader'], name: '县公安局数据员', department: 'police' },
  { username: 'supervisor', roles: ['supervisor'], name: '村务监督委员会' },
];

/** Options of {@link startIssuer}. */
export interface IssuerOptions {
  /** Where the signing key and the demo passwords are kept (`<dataDir>/identity/`). */
  readonly dataDir: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. Keep it fixed for tokens to survive restarts. */
  readonly port?: number;
  /** @default {@link LOCAL_AUDIENCE} */
  readonly audience?: string;
}

/** A running local issuer. */
export interface LocalIssuer {
  /** The issuer identifier (`iss`), also its base URL. */
  readonly url: string;
  readonly jwksUrl: string;
  /** `POST { username, password }` → `{ access_token, id_token, token_type, expires_in }`. */
  readonly tokenUrl: string;
  readonly audience: string;
  /** The demo users and their passwords (local only; printed by `npm start`). */
  readonly users: readonly DemoUser[];
  /**
   * The staff directory the API checks assignees against (`STAFF_DIRECTORY_FILE`): the demo
   * users' usernames, names, roles and townships, without passwords.
   */
  readonly staffDirectoryFile: string;
  /** Sign an ID token for a demo user without a password (the platform's own convenience tokens). */
  mint(username: string, expiresInSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

const StoredKey = z.object({ kid: z.string().min(1), jwk: z.record(z.string(), z.unknown()) });
const StoredPasswords = z.record(z.string(), z.string().min(12));
const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** Private file in the identity folder: owner read/write only. */
function writePrivate(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

async function loadOrCreateKey(dir: string): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const file = join(dir, 'signing-key.json');
  let stored: z.infer<typeof StoredKey>;
  if (existsSync(file)) {
    stored = StoredKey.parse(JSON.parse(readFileSync(file, 'utf8')));
  } else {
    const { privateKey } = await generateKeyPair(LOCAL_ALGORITHM, { extractable: true });
    const jwk = await exportJWK(privateKey);
    stored = { kid: await calculateJwkThumbprint(jwk), jwk };
    writePrivate(file, stored);
  }
  const privateJwk = stored.jwk as JWK;
  const { d: _secret, ...publicPart } = privateJwk;
  return {
    kid: stored.kid,
    privateJwk,
    publicJwk: { ...publicPart, kid: stored.kid, alg: LOCAL_ALGORITHM, use: 'sig' },
  };
}

function loadOrCreatePasswords(dir: string): DemoUser[] {
  const file = join(dir, 'demo-users.json');
  const stored = existsSync(file) ? StoredPasswords.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  let changed = false;
  const users = DEMO_USERS.map((spec) => {
    let password = stored[spec.username];
    if (!password) {
      password = randomBytes(12).toString('base64url');
      stored[spec.username] = password;
      changed = true;
    }
    return { ...spec, password };
  });
  if (changed) writePrivate(file, stored);
  return users;
}

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    // No keep-alive: a client must not reuse a socket of an issuer that restarted on the same port.
    connection: 'close',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

const MAX_BODY = 16 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Login bodies as JSON or as an OAuth-style form (`username=…&password=…`). */
function parseLogin(req: IncomingMessage, text: string): unknown {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `GET /authorize` shows the login page; its form posts the chosen user back and is redirected with a code. */
async function authorize(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  audience: string,
  users: readonly DemoUser[],
  codes: AuthorizationCodes,
): Promise<void> {
  const post = req.method === 'POST';
  if (!post && req.method !== 'GET')
    return send(res, 405, { error: 'invalid_request' }, { allow: 'GET, POST' });
  const params = post ? new URLSearchParams(await readBody(req)) : new URL(req.url ?? '/', base).searchParams;
  const html = (status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http:",
      connection: 'close',
    });
    res.end(body);
  };
  let request: ReturnType<typeof parseAuthorizeRequest>;
  try {
    request = parseAuthorizeRequest(params, audience);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // Never redirect an invalid request (RFC 6749 §4.1.2.1): say what is wrong on the page.
    return html(
      400,
      `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>登录请求有误</title><main><h1>登录请求有误</h1><p>${error.description.replace(/[&<>]/g, '')}</p></main></html>`,
    );
  }
  if (!post) return html(200, loginPage(request, users));
  const user = users.find((u) => u.username === params.get('username'));
  if (!user) return html(400, loginPage(request, users));
  res.writeHead(302, {
    location: codes.issue(request, user.username),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end();
}

/**
 * Start the local issuer on 127.0.0.1: `/.well-known/openid-configuration`,
 * `/.well-known/jwks.json`, `POST /token` for the demo users (password, or an authorization
 * code with its PKCE verifier) and `GET /authorize`, the browser login (`authorize.ts`).
 */
export async function startIssuer(options: IssuerOptions): Promise<LocalIssuer> {
  const dir = join(options.dataDir, 'identity');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = await loadOrCreateKey(dir);
  const signingKey = await importJWK(key.privateJwk, LOCAL_ALGORITHM);
  const users = loadOrCreatePasswords(dir);
  const staffDirectoryFile = join(dir, 'staff.json');
  writePrivate(
    staffDirectoryFile,
    users.map(({ username, name, roles, township }) => ({
      username,
      name,
      roles,
      ...(township ? { township } : {}),
    })),
  );
  const audience = options.audience ?? LOCAL_AUDIENCE;
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };

  let url = '';
  const codes = new AuthorizationCodes();
  const mint = async (username: string, expiresInSeconds = LOGIN_TOKEN_SECONDS): Promise<string> => {
    const user = users.find((u) => u.username === username);
    if (!user)
      throw new Error(`No demo user '${username}' (known: ${users.map((u) => u.username).join(', ')})`);
    const now = Math.floor(Date.now() / 1000);
    // Shaped like a Cognito ID token: groups, custom attributes, token_use, cognito:username.
    return new SignJWT({
      token_use: 'id',
      'cognito:username': user.username,
      'cognito:groups': [...user.roles],
      name: user.name,
      auth_time: now,
      ...(user.township ? { 'custom:township': user.township } : {}),
      ...(user.department ? { 'custom:department': user.department } : {}),
    })
      .setProtectedHeader({ alg: LOCAL_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(url)
      .setAudience(audience)
      .setSubject(`local-${user.username}`)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresInSeconds)
      .sign(signingKey);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', url).pathname;
    if (req.method === 'GET' && path === '/.well-known/jwks.json') return send(res, 200, jwks);
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        token_endpoint: `${url}/token`,
        authorization_endpoint: `${url}/authorize`,
        grant_types_supported: ['password', 'authorization_code'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [LOCAL_ALGORITHM],
        claims_supported: ['sub', 'name', 'cognito:groups', 'custom:township', 'custom:department'],
      });
    }
    if (path === '/authorize') return authorize(req, res, url, audience, users, codes);
    if (path === '/token') {
      if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request' }, { allow: 'POST' });
      const text = await readBody(req);
      const form = new URLSearchParams(text);
      if (form.get('grant_type') === 'authorization_code') {
        // The dashboard's code exchange, from another origin (the API's port): CORS allowed.
        const cors = { 'access-control-allow-origin': '*' };
        try {
          const token = await mint(codes.redeem(form));
          return send(
            res,
            200,
            { id_token: token, access_token: token, token_type: 'Bearer', expires_in: LOGIN_TOKEN_SECONDS },
            cors,
          );
        } catch (error) {
          if (!(error instanceof OAuthError)) throw error;
          return send(res, 400, { error: error.error, error_description: error.description }, cors);
        }
      }
      const body = LoginBody.safeParse(parseLogin(req, text));
      if (!body.success) {
        return send(res, 400, {
          error: 'invalid_request',
          error_description: '请求须包含 username 和 password（JSON 或表单）',
        });
      }
      const user = users.find((u) => u.username === body.data.username);
      // Compare even for unknown users so the response time doesn't tell which names exist.
      const ok = samePassword(body.data.password, user?.password ?? randomBytes(12).toString('base64url'));
      if (!user || !ok)
        return send(res, 401, { error: 'invalid_grant', error_description: '用户名或密码错误' });
      const token = await mint(user.username);
      // The API takes ID tokens; `access_token` carries the same token for clients that read that field.
      return send(res, 200, {
        id_token: token,
        access_token: token,
        token_type: 'Bearer',
        expires_in: LOGIN_TOKEN_SECONDS,
      });
    }
    return send(res, 404, { error: 'not_found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, { error: 'invalid_request' });
      else res.end();
    });
  });
  const port = await new Promise<number>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    });
  });
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    tokenUrl: `${url}/token`,
    audience,
    users,
    staffDirectoryFile,
    mint,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
