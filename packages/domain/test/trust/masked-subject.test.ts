import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../src/config.js';
import { HIDDEN_SUBJECT, maskedSubject, subjectFrom } from '../../src/leads/subject.js';
import { evaluateContractorRelated } from '../../src/rules/r12-contractor-related.js';
import { official, project, resident, shard, validId } from '../rules/fixtures.js';

const OFFICIAL = validId('19700101', 61);
const BROTHER = validId('19720202', 62);

describe('masked subjects', () => {
  it('R12: a contractor the project file spells differently from the registry is still masked', () => {
    const [finding] = evaluateContractorRelated(
      shard([
        resident({ id: OFFICIAL, name: '冯官', household: 'H10', relation: '户主' }),
        resident({ id: BROTHER, name: '冯弟', household: 'H10', relation: '弟' }),
        official({ id: OFFICIAL, name: '冯官', position: '副镇长' }),
        // The project file writes the contractor with a space and a traditional character.
        project({ name: '白沙村水渠', contractorCode: BROTHER, contractorName: '馮 弟弟' }),
      ]),
      DEFAULT_RULE_CONFIG,
    );
    if (!finding) throw new Error('R12 should fire');
    expect(finding.name).toBe('冯弟');
    expect(finding.subject).toBe('白沙村水渠 · 承建 馮 弟弟');
    const masked = maskedSubject(finding);
    expect(masked).toBe('白沙村水渠 · 承建 馮***');
    expect(masked).not.toContain('弟弟');
  });

  it('masks persons and ID numbers part by part, shows entities in full', () => {
    expect(maskedSubject({ ...subjectFrom([{ person: '欧阳娜娜' }, ' · 农村低保']) })).toBe(
      '欧阳** · 农村低保',
    );
    expect(maskedSubject({ ...subjectFrom(['龙泉村 · 收款人 ', { idNumber: '430521194001010110' }]) })).toBe(
      '龙泉村 · 收款人 430521********0110',
    );
    expect(maskedSubject({ ...subjectFrom(['龙泉村 · 收款人 ', '青山建筑有限公司']) })).toBe(
      '龙泉村 · 收款人 青山建筑有限公司',
    );
  });

  it('hides a stored subject without parts that names someone, until a run rewrites it', () => {
    expect(maskedSubject({ subject: '道路 · 承建 馮弟', name: '冯弟' })).toBe(HIDDEN_SUBJECT);
    expect(maskedSubject({ subject: '龙泉村 · 2023 年招待费' })).toBe('龙泉村 · 2023 年招待费');
  });
});
