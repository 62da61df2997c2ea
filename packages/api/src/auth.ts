import { ForbiddenError, UnauthenticatedError } from '@jiandu/domain/errors';
import type { MiddlewareHandler } from 'hono';
import type { Principal, Role } from './identity/principal.js';

export * from './identity/jurisdiction.js';
export * from './identity/jwt.js';
export * from './identity/principal.js';

/**
 * Turns the `Authorization` header into a principal, or undefined when it proves nothing.
 * The product uses {@link jwtAuthenticator} (Cognito in AWS, the local issuer on `npm start`);
 * routes never see how the principal was established.
 */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
}

/** Who may call a route: everyone, or principals holding one of the roles. */
export type Access = 'public' | readonly Role[];

/** Variables the auth middleware puts on the Hono context. */
export interface AuthVariables {
  principal?: Principal;
}

/**
 * Enforce a route's declared access: 401 without a valid token, 403 when none of the
 * principal's roles is allowed. Private routes get `c.get('principal')`; object-level
 * jurisdiction is checked by the route with `assertTownship` / `assertDepartment`.
 */
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
