import { ValidationError } from '../errors.js';
import { fieldName } from '../fields.js';
import type { Lead } from '../model.js';

/**
 * Who a lead may be assigned to (疑点指派): a person who can work it — a county inspector or
 * administrator, or a township officer of the lead's township — or the office (乡镇纪委) of the
 * lead's own township. Anything else (`火星镇`, a typo, another township's officer) is refused
 * with a Chinese reason, so an assignment always reaches someone who can see the lead.
 */

/** A staff account as the identity provider knows it (Cognito user pool, or the local issuer). */
export interface StaffMember {
  /** The login name, which an assignment to a person records. */
  readonly username: string;
  /** Display name (`王五`, `青山镇纪委`). */
  readonly name?: string;
  /** Role groups (`inspector`, `township_officer`, …). */
  readonly roles: readonly string[];
  /** A township officer's township. */
  readonly township?: string;
}

/** The staff accounts of the platform (read-only), for choosing and checking assignees. */
export interface StaffDirectory {
  members(): Promise<readonly StaffMember[]>;
}

/** Roles that see every township's leads. */
const COUNTY_WIDE = ['inspector', 'admin'];

/** Whether a staff member can work the lead (and so may be assigned it). */
export function canWorkLead(member: StaffMember, lead: Pick<Lead, 'township'>): boolean {
  if (member.roles.some((r) => COUNTY_WIDE.includes(r))) return true;
  return (
    member.roles.includes('township_officer') &&
    member.township !== undefined &&
    member.township === lead.township
  );
}

/** What the assignment choice offers for one lead: its township's office and the people who can work it. */
export function assigneesOf(lead: Pick<Lead, 'township'>, members: readonly StaffMember[]) {
  return {
    offices: lead.township ? [{ assignee: lead.township, name: `${lead.township}纪委` }] : [],
    people: members
      .filter((m) => canWorkLead(m, lead))
      .map((m) => ({
        assignee: m.username,
        name: m.name ?? m.username,
        roles: [...m.roles],
        ...(m.township ? { township: m.township } : {}),
      }))
      .sort((a, b) => a.assignee.localeCompare(b.assignee)),
  };
}

/** A township office named as people write it: `青山镇`, `青山镇纪委`, `青山镇纪委办`. */
function officeTownship(assignee: string): string {
  return assignee.trim().replace(/(纪委|纪检|纪工委)(办公室|办)?$/, '');
}

/**
 * Check an assignment against the lead and the staff directory; returns the assignee as it is
 * recorded (an office by its township's name).
 * @throws {ValidationError} naming `assignee` with the reason, in Chinese.
 */
export function checkAssignee(
  lead: Pick<Lead, 'township'>,
  kind: 'person' | 'township_office',
  assignee: string,
  members: readonly StaffMember[],
): string {
  const field = fieldName('assignee');
  const refuse = (reason: string): never => {
    throw new ValidationError(`${field}：${reason}`, { field: 'assignee' });
  };
  if (kind === 'township_office') {
    if (!lead.township) return refuse('这条线索没有所属乡镇，不能指派给乡镇纪委，请指派给具体人员');
    const township = officeTownship(assignee);
    if (township !== lead.township)
      return refuse(
        `「${assignee}」不是这条线索所属乡镇（${lead.township}）的纪委，只能指派给${lead.township}纪委`,
      );
    return township;
  }
  const member = members.find((m) => m.username === assignee.trim());
  if (!member) return refuse(`「${assignee}」不是本平台的用户，请从可指派的人员中选择（用户名）`);
  if (!canWorkLead(member, lead))
    return refuse(
      `${member.name ?? member.username}（${member.username}）不负责${lead.township ?? '这条线索'}的线索，请指派给县纪委监委检查员或${lead.township ?? '所属乡镇'}的纪委人员`,
    );
  return member.username;
}
