import { employer, idNumber, personName } from './columns.js';
import { defineKind } from './define.js';

/** 财政供养人员 (CONTRACT.md §2). */
export const fiscalPayrollKind = defineKind({
  kind: 'fiscal_payroll',
  label: '财政供养人员',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    idNumber,
    personName,
    employer,
    { name: 'monthly_pay', label: '月工资', type: 'amount' },
    { name: 'period', label: '发放月份', type: 'month' },
  ],
  required: [['id_number'], ['name'], ['period']],
  rowRequired: [['id_number', 'name'], ['period']],
  evidence: ['id_number', 'name', 'employer', 'monthly_pay', 'period'],
  nameColumn: 'name',
});
