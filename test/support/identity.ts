/**
 * Test identities: a signing key, real JWTs shaped like Cognito ID tokens, and the real
 * `jwtAuthenticator` verifying them against the test key's JWKS (held in memory instead of
 * fetched: only the key source differs from production).
 */
import { type Authenticator, isRole, jwtAuthenticator, type Role } from '@jiandu/api';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose';

export const TEST_ISSUER = 'https://issuer.test/jiandu';
export const TEST_AUDIENCE = 'jiandu-test-client';

/** Who a test token is for. */
export interface TestUser {
  readonly sub: string;
  readonly groups: readonly string[];
  readonly name?: string;
  readonly township?: string;
  readonly department?: string;
}

/** One demo user per role, in two townships / departments where the role is scoped. */
export const TEST_USERS = {
  admin: { sub: 'u-admin', groups: ['admin'], name: '管理员' },
  inspector: { sub: 'u-inspector', groups: ['inspector'], name: '李检查' },
  township_officer: { sub: 'u-qingshan', groups: ['township_officer'], name: '王镇', township: '青山镇' },
  township_officer_other: { sub: 'u-shimen', groups: ['township_officer'], name: '赵乡', township: '石门乡' },
  department_uploader: {
    sub: 'u-civil',
    groups: ['department_uploader'],
    name: '民政上传',
    department: 'civil-affairs',
  },
  department_uploader_other: {
    sub: 'u-police',
    groups: ['department_uploader'],
    name: '公安上传',
    department: 'police',
  },
  supervisor: { sub: 'u-supervisor', groups: ['supervisor'], name: '村监委' },
} as const satisfies Record<string, TestUser>;

/** Options of {@link TestIdentity.token}: deviations from a valid token. */
export interface TokenOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for an expired token. @default 3600 */
  readonly expiresIn?: number;
  readonly notBefore?: number;
  readonly tokenUse?: string;
  readonly extraClaims?: JWTPayload;
  /** Sign with another key (same `kid`): a forged token. */
  readonly forged?: boolean;
}

/** A test issuer: its key pair, JWKS and token minting. */
export interface TestIdentity {
  readonly jwks: JSONWebKeySet;
  /** The production authenticator over this identity's JWKS. */
  readonly authenticator: Authenticator;
  token(user: TestUser, options?: TokenOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for a user. */
  headers(user: TestUser, options?: TokenOptions): Promise<Record<string, string>>;
}

const KID = 'test-key-1';

/** Create a test issuer (ES256). */
export async function createTestIdentity(): Promise<TestIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const forger = await generateKeyPair('ES256');
  const jwks: JSONWebKeySet = {
    keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'ES256', use: 'sig' }],
  };
  const authenticator = jwtAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks });
  const token = async (user: TestUser, options: TokenOptions = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      'cognito:groups': [...user.groups],
      token_use: options.tokenUse ?? 'id',
      ...(user.name ? { name: user.name } : {}),
      ...(user.township ? { 'custom:township': user.township } : {}),
      ...(user.department ? { 'custom:department': user.department } : {}),
      ...options.extraClaims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
      .setSubject(user.sub)
      .setIssuer(options.issuer ?? TEST_ISSUER)
      .setAudience(options.audience ?? TEST_AUDIENCE)
      .setIssuedAt(now - 10)
      .setExpirationTime(now + (options.expiresIn ?? 3600));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(options.forged ? forger.privateKey : privateKey);
  };
  return {
    jwks,
    authenticator,
    token,
    headers: async (user, options) => ({ authorization: `Bearer ${await token(user, options)}` }),
  };
}

/** The platform roles a test user holds (unknown groups dropped, as the authenticator does). */
export function rolesOf(user: TestUser): Role[] {
  return user.groups.filter(isRole);
}
