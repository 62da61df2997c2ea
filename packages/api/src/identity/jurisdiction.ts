import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@jiandu/domain/errors';
import type { Principal, Role } from './principal.js';

/** Roles that see every township and every department's data. */
export const COUNTY_WIDE: readonly Role[] = ['admin', 'inspector'];

/** Whether the principal works county-wide (no jurisdiction limit). */
export function isCountyWide(principal: Principal): boolean {
  return principal.roles.some((r) => COUNTY_WIDE.includes(r));
}

/** What a limited role is limited to: a township officer to a township, an uploader to a department. */
const LIMITED_ROLE = { township: 'township_officer', department: 'department_uploader' } as const;
type Jurisdiction = keyof typeof LIMITED_ROLE;
const JURISDICTION_LABEL: Readonly<Record<Jurisdiction, string>> = { township: '乡镇', department: '部门' };

/** Whether the principal may see an object of this township or department (county-wide roles see all). */
function canSee(principal: Principal, kind: Jurisdiction, value: string | null | undefined): boolean {
  if (isCountyWide(principal)) return true;
  const own = principal[kind];
  return principal.roles.includes(LIMITED_ROLE[kind]) && own !== undefined && value != null && value === own;
}

/** The township or department a list must be limited to (see {@link townshipScope}). */
function scopeOf(
  principal: Principal,
  kind: Jurisdiction,
  requested: string | undefined,
): string | undefined {
  if (isCountyWide(principal)) return requested;
  const own = principal[kind];
  if (!principal.roles.includes(LIMITED_ROLE[kind]) || own === undefined) {
    throw new ForbiddenError(`账号未绑定${JURISDICTION_LABEL[kind]}，无法查看`);
  }
  if (requested !== undefined && requested !== own)
    throw new ForbiddenError(`只能查看本${JURISDICTION_LABEL[kind]}的数据`);
  return own;
}

/**
 * Whether the principal may see an object of this township: county-wide roles see all; a
 * township officer only their own township (an object without a township is county-level,
 * so not theirs).
 */
export function canSeeTownship(principal: Principal, township: string | null | undefined): boolean {
  return canSee(principal, 'township', township);
}

/**
 * Throw {@link NotFoundError} (not 403) when the principal may not see an object of this
 * township, so that ids of other townships' objects can't be probed.
 */
export function assertTownship(
  principal: Principal,
  township: string | null | undefined,
  what: string,
): void {
  if (!canSeeTownship(principal, township)) throw new NotFoundError(what);
}

/** Whether the principal may see a department's datasets: county-wide roles, or that department's uploader. */
export function canSeeDepartment(principal: Principal, department: string | null | undefined): boolean {
  return canSee(principal, 'department', department);
}

/** Throw {@link NotFoundError} when the principal may not see an object of this department (e.g. a version by id). */
export function assertDepartment(
  principal: Principal,
  department: string | null | undefined,
  what: string,
): void {
  if (!canSeeDepartment(principal, department)) throw new NotFoundError(what);
}

/**
 * The township a list must be limited to: `undefined` (any, or the requested filter) for
 * county-wide roles, the officer's own township otherwise. Asking a list for another
 * township's objects is refused with {@link ForbiddenError} (township names are public, so
 * nothing can be probed by it).
 */
export function townshipScope(principal: Principal, requested?: string): string | undefined {
  return scopeOf(principal, 'township', requested);
}

/** Like {@link townshipScope}, for department-owned lists (dataset versions). */
export function departmentScope(principal: Principal, requested?: string): string | undefined {
  return scopeOf(principal, 'department', requested);
}

/** The authenticated principal of a private route (the auth middleware guarantees it). */
export function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
