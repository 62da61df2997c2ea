import { timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthenticatedError } from '@jiandu/domain/errors';
import type { MiddlewareHandler } from 'hono';

/**
 * Roles of the platform: `admin` (county commission), `inspector` (county-wide),
 * `township_officer` (one township's leads and reports), `department_uploader` (one
 * department's datasets), `supervisor` (village supervisor: assisted reports only).
 */
export const ROLES = ['admin', 'inspector', 'township_officer', 'department_uploader', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, and the jurisdiction their role is limited to. */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Display name for history entries (never logged). */
  readonly name?: string;
  /** `township_officer`: the township (normalized name, as leads carry it). */
  readonly township?: string;
  /** `department_uploader`: the department code (`civil-affairs`, …). */
  readonly department?: string;
}

/**
 * Turns the `Authorization` header into a principal, or undefined when it proves nothing.
 * Swappable: the placeholder below is replaced by JWT verification (Cognito / local issuer)
 * without touching routes.
 */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
}

/**
 * Placeholder authenticator until real identity arrives: one shared bearer token that
 * grants the `inspector` role. Compared in constant time.
 */
export function sharedTokenAuthenticator(token: string): Authenticator {
  const expected = Buffer.from(token);
  return {
    async authenticate(authorization) {
      const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
      if (!presented) return undefined;
      const given = Buffer.from(presented.trim());
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return { subject: 'inspector', roles: ['inspector'] };
    },
  };
}

/** Who may call a route: everyone, or principals holding one of the roles. */
export type Access = 'public' | readonly Role[];

/** Variables the auth middleware puts on the Hono context. */
export interface AuthVariables {
  principal?: Principal;
}

/** Enforce a route's declared access; private routes get `c.get('principal')`. */
export function authorize(
  access: Access,
  authenticator: Authenticator,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (access !== 'public') {
      const principal = await authenticator.authenticate(c.req.header('authorization'));
      if (!principal) throw new UnauthenticatedError();
      if (!principal.roles.some((r) => access.includes(r))) throw new ForbiddenError();
      c.set('principal', principal);
    }
    await next();
  };
}
