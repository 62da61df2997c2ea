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

/** Whether a string names one of the platform's roles. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
