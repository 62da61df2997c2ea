import { employer, idNumber, personName } from './columns.js';
import { defineKind } from './define.js';

/** 社保缴费 (CONTRACT.md §2). */
export const socialInsuranceKind = defineKind({
  kind: 'social_insurance',
  label: '社保缴费',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    idNumber,
    personName,
    employer,
    { name: 'contribution_base', label: '缴费基数', type: 'amount' },
    { name: 'period', label: '缴费年月', type: 'month' },
  ],
  required: [['id_number'], ['contribution_base'], ['period']],
  rowRequired: [['id_number', 'name'], ['period']],
  evidence: ['id_number', 'name', 'employer', 'contribution_base', 'period'],
  nameColumn: 'name',
});
