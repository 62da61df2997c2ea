import * as z from 'zod';
import type { Finding } from '../model.js';
import { isValidIdNumber } from '../normalize/id.js';
import {
  amountOf,
  bySubjectKey,
  compareRows,
  compareText,
  evidenceOf,
  formatYuan,
  groupBy,
  idMatchQuality,
  place,
  text,
  uniqueRows,
} from './common.js';
import { defineRule, enabled } from './define.js';
import { referenceOf } from './reference.js';
import { type MatchInput, type RuleSection, rowsOf, type SourceRow } from './types.js';

/** R12's settings (its section of the rule configuration). */
const schema = z.strictObject({ enabled });
type Config = RuleSection<'R12', typeof schema.shape>;

const ENTITY_EVIDENCE_COLUMNS = [
  'credit_code',
  'entity_name',
  'legal_rep_name',
  'legal_rep_id',
  'status',
] as const;

/** Subject key of a project with a code: the code. */
const projectCodeKey = (projectCode: string): string => projectCode;

/** A project's stable key: its code, else township + village + name. */
function projectKey(row: SourceRow<'livelihood_projects'>): string | undefined {
  const code = text(row, 'project_code');
  if (code !== undefined) return projectCodeKey(code);
  const name = text(row, 'name');
  return name === undefined
    ? undefined
    : `${text(row, 'township') ?? ''}|${text(row, 'village') ?? ''}|${name}`;
}

/**
 * R12 项目承建优亲厚友 (CONTRACT.md §5): a livelihood project's contractor — the person whose
 * ID is the `contractor_code`, or the legal representative of the entity with that credit
 * code — is a household member (themself included) of an official of the project's township;
 * officials of a township include the 村干部 of its villages. A contractor known only by name
 * is never matched. One finding per project (`project_code`, else `{township}|{village}|{name}`);
 * amount = the project budget.
 */
export function evaluateContractorRelated(input: MatchInput, config: Config): Finding[] {
  if (!config.R12.enabled) return [];
  const reference = referenceOf(input);
  const findings: Finding[] = [];
  for (const [subjectKey, group] of groupBy(rowsOf(input, 'livelihood_projects'), projectKey)) {
    const projects = uniqueRows(group);
    const project = projects[0] as SourceRow<'livelihood_projects'>;
    const township = text(project, 'township');
    const code = text(project, 'contractor_code');
    if (township === undefined || code === undefined) continue;
    const entities = isValidIdNumber(code) ? [] : uniqueRows(reference.entitiesByCode(code));
    const contractors = isValidIdNumber(code)
      ? [code]
      : [...new Set(entities.map((e) => e.idNumber).filter((id): id is string => id !== undefined))];
    const officials = reference.officialsOfTownship(township);

    const links: { contractor: string; official: SourceRow<'public_officials'> }[] = [];
    for (const contractor of contractors) {
      const household = new Set(reference.householdOf(contractor));
      for (const official of officials)
        if (household.has(official.idNumber as string)) links.push({ contractor, official });
    }
    if (links.length === 0) continue;

    const officialRows = uniqueRows(links.map((l) => l.official));
    const people = [...new Set(links.flatMap((l) => [l.contractor, l.official.idNumber as string]))].sort();
    const registry = uniqueRows(people.flatMap((id) => reference.registryRows(id)));
    const budget = Math.max(0, ...projects.map((p) => amountOf(p, 'budget') ?? 0));
    const contractorName =
      text(project, 'contractor_name') ?? (entities[0] && text(entities[0], 'entity_name'));
    const personName = (id: string) => reference.registryRows(id).map((r) => text(r, 'name'))[0];
    const reasons = links
      .sort((a, b) => compareText(a.contractor, b.contractor) || compareRows(a.official, b.official))
      .map(({ contractor, official }) => {
        const who =
          entities.length > 0
            ? `承建单位法定代表人${personName(contractor) ?? ''}`
            : `承建人${personName(contractor) ?? ''}`;
        const role = [text(official, 'employer'), text(official, 'position')].filter(Boolean).join('');
        return official.idNumber === contractor
          ? `${who}本人是${township}公职人员（${role}）`
          : `${who}是${township}公职人员${text(official, 'name') ?? ''}（${role}）的同户家庭成员`;
      });
    reasons.push(`项目预算 ${formatYuan(budget)}`);
    const first = links[0] as { contractor: string };

    findings.push({
      rule: 'R12',
      subjectKey,
      subject: `${text(project, 'name') ?? subjectKey} · 承建 ${contractorName ?? '（不详）'}`,
      idNumber: first.contractor,
      ...(personName(first.contractor) !== undefined ? { name: personName(first.contractor) as string } : {}),
      ...place(township, text(project, 'village')),
      amount: budget,
      // How surely the people were identified: the linked officials' and legal reps' IDs.
      match: idMatchQuality([...officialRows, ...entities]),
      evidence: [
        ...projects.map((row) => evidenceOf(row)),
        ...entities.map((row) => evidenceOf(row, ENTITY_EVIDENCE_COLUMNS)),
        ...registry.map((row) => evidenceOf(row)),
        ...officialRows.map((row) => evidenceOf(row)),
      ],
      reasons,
    });
  }
  return findings.sort(bySubjectKey);
}

/**
 * Merge findings of one project emitted by two shards (the same `project_code` listed under
 * different names or villages lands in different shards): every row as evidence once, every
 * reason once, the largest budget.
 */
export function combineContractorRelated(partials: readonly Finding[]): Finding {
  const ordered = [...partials].sort((a, b) =>
    compareText(JSON.stringify(a.evidence[0]), JSON.stringify(b.evidence[0])),
  );
  const first = ordered[0];
  if (!first) throw new Error('R12: nothing to combine');
  const seen = new Set<string>();
  const evidence = ordered
    .flatMap((f) => f.evidence)
    .filter((e) => {
      const key = `${e.kind}|${e.versionId}|${e.sheet ?? ''}|${e.row}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return {
    ...first,
    amount: Math.max(...ordered.map((f) => f.amount)),
    evidence,
    reasons: [...new Set(ordered.flatMap((f) => f.reasons))],
  };
}

/** R12 as a registered {@link Rule}. */
export const contractorRelatedRule = defineRule({
  code: 'R12',
  key: 'CONTRACTOR_RELATED',
  title: { zh: '项目承建优亲厚友', en: 'Project contractor related to official' },
  description: {
    zh: '民生项目的承建人（或承建单位的法定代表人）是项目所在乡镇公职人员（含所辖村的村干部）本人或其同户家庭成员。',
    en: 'A project contractor (or the contracting entity’s legal representative) is in the household of an official of the project’s township.',
  },
  reads: ['livelihood_projects', 'public_officials', 'household_registry', 'market_entities'],
  evaluate: evaluateContractorRelated,
  combine: combineContractorRelated,
  settings: {
    schema,
    defaults: { enabled: true },
  },
  subjectKey: projectCodeKey,
});
