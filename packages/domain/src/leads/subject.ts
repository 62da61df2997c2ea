import type { Finding } from '../model.js';
import { maskIdNumber } from '../normalize/id.js';
import { maskPersonName } from '../normalize/name.js';

/**
 * A lead's subject line is built from parts, so the masked line of lists can be built from
 * the same parts: a person's name is masked as a part, wherever it came from (a project file
 * may spell a contractor differently from the registry, so masking by searching the
 * registry's name in the finished line leaks the file's spelling). Never mask by string
 * replacement.
 */
export type SubjectPart =
  /** Text shown as is: a program, a village, a project or entity name, a month. */
  | string
  /** A person's name: masked in lists (`张*`). */
  | { readonly person: string }
  /** An ID number standing in for a name: masked in lists (`430521********1234`). */
  | { readonly idNumber: string };

/** `subject` and `subjectParts` of a finding, from its parts. */
export function subjectFrom(parts: readonly SubjectPart[]): Pick<Finding, 'subject' | 'subjectParts'> {
  return { subject: parts.map((p) => partText(p, false)).join(''), subjectParts: parts };
}

function partText(part: SubjectPart, masked: boolean): string {
  if (typeof part === 'string') return part;
  if ('person' in part) return masked ? maskPersonName(part.person) : part.person;
  return masked ? maskIdNumber(part.idNumber) : part.idNumber;
}

/** Shown instead of a subject line stored before it had parts and can't be masked safely. */
export const HIDDEN_SUBJECT = '（主体信息已隐去，请查看详情）';

/**
 * The subject for lists: from the parts, every person masked. A lead stored before subjects
 * had parts shows its line only when it names nobody (village-level subjects); otherwise it
 * is hidden until the next collision run rewrites it with parts.
 */
export function maskedSubject(lead: Pick<Finding, 'subject' | 'subjectParts' | 'name' | 'idNumber'>): string {
  if (lead.subjectParts) return lead.subjectParts.map((p) => partText(p, true)).join('');
  return lead.name === undefined && lead.idNumber === undefined ? lead.subject : HIDDEN_SUBJECT;
}
