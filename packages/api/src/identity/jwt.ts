import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { Authenticator } from '../auth.js';
import { isRole, type Principal, type Role } from './principal.js';

/**
 * The only signature algorithms accepted: what Cognito (RS256) and the local issuer (ES256)
 * sign with. Everything else — `none`, HMAC with a public key as secret — is refused.
 */
export const JWT_ALGORITHMS = ['RS256', 'ES256'] as const;

/** Where the verification keys come from: the issuer's JWKS URL, or a JWKS held in memory. */
export type JwtKeySource =
  | { readonly jwksUrl: string | URL; readonly jwks?: never }
  | { readonly jwks: JSONWebKeySet; readonly jwksUrl?: never };

/** Options of {@link jwtAuthenticator}. */
export type JwtAuthenticatorOptions = JwtKeySource & {
  /** Expected `iss`, exactly (Cognito: `https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
  readonly issuer: string;
  /** Expected `aud`: the app client id. */
  readonly audience: string;
  /** Accepted clock skew for `exp`/`nbf`/`iat`, in seconds. @default 5 */
  readonly clockToleranceSeconds?: number;
  /**
   * Told why a presented token was refused (a JOSE reason code such as `ERR_JWT_EXPIRED`, or
   * `token_use`, `roles`…), for structured logs. Never receives the token or its claims.
   */
  readonly onRejected?: (reason: string) => void;
};

/** JOSE failures caused by the presented token; anything else (JWKS unreachable, malformed JWKS) is an outage, not a 401. */
const TOKEN_FAULTS: ReadonlySet<string> = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i;

function claimString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Map verified ID-token claims to a principal. Roles come from `cognito:groups` (unknown
 * groups are ignored); a scoped role whose jurisdiction attribute is missing is dropped,
 * so that no check can mistake "no township" for "every township".
 */
export function principalFromClaims(payload: JWTPayload): Principal | undefined {
  const subject = claimString(payload, 'sub');
  if (!subject) return undefined;
  const groups = payload['cognito:groups'];
  const township = claimString(payload, 'custom:township');
  const department = claimString(payload, 'custom:department');
  const name = claimString(payload, 'name');
  const roles = new Set<Role>();
  for (const group of Array.isArray(groups) ? groups : []) {
    if (!isRole(group)) continue;
    if (group === 'township_officer' && !township) continue;
    if (group === 'department_uploader' && !department) continue;
    roles.add(group);
  }
  return {
    subject,
    roles: [...roles],
    ...(name ? { name } : {}),
    ...(township && roles.has('township_officer') ? { township } : {}),
    ...(department && roles.has('department_uploader') ? { department } : {}),
  };
}

/**
 * Verify bearer JWTs the same way in AWS (Cognito) and locally (the local issuer):
 * signature against the issuer's JWKS (RS256/ES256 only), exact `iss` and `aud`, `exp`
 * required and `nbf` honoured, then claims → {@link Principal}.
 *
 * Tokens are **ID tokens** (`token_use: id`): Cognito puts the user's custom attributes
 * (`custom:township`, `custom:department`) and `name` only into ID tokens, and its ID tokens
 * carry `aud` = app client id (access tokens carry `client_id` instead and are refused).
 * The key source is the only thing tests change (`jwks` instead of `jwksUrl`); there is no
 * switch that skips verification.
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const keys =
    options.jwks !== undefined
      ? createLocalJWKSet(options.jwks)
      : createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
  const reject = (reason: string): undefined => {
    options.onRejected?.(reason);
    return undefined;
  };
  return {
    async authenticate(authorization) {
      if (!authorization) return undefined;
      const token = BEARER.exec(authorization)?.[1];
      if (!token) return reject('malformed_authorization');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [...JWT_ALGORITHMS],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
        }));
      } catch (error) {
        if (error instanceof errors.JOSEError && TOKEN_FAULTS.has(error.code)) {
          const claim = error instanceof errors.JWTClaimValidationFailed ? `:${error.claim}` : '';
          return reject(`${error.code}${claim}`);
        }
        throw error;
      }
      if (payload.token_use !== 'id') return reject('token_use');
      const principal = principalFromClaims(payload);
      if (!principal) return reject('sub');
      return principal;
    },
  };
}
