import { idNumber, township, village } from './columns.js';
import { defineKind } from './define.js';

/** 民生资金发放明细 (CONTRACT.md §2). */
export const subsidyPaymentsKind = defineKind({
  kind: 'subsidy_payments',
  label: '民生资金发放明细',
  versions: 'append',
  reference: false,
  uploadRank: 4,
  columns: [
    { name: 'program', label: '项目名称', type: 'program' },
    { name: 'recipient_name', label: '姓名', type: 'name' },
    idNumber,
    township,
    village,
    { name: 'amount', label: '发放金额', type: 'amount' },
    { name: 'pay_date', label: '发放日期', type: 'date' },
    { name: 'period', label: '所属期', type: 'month' },
  ],
  derived: [{ name: 'program_name', label: '项目名称（目录）', type: 'text' }],
  required: [['program'], ['recipient_name'], ['amount'], ['pay_date', 'period'], ['id_number', 'village']],
  rowRequired: [
    ['program'],
    ['recipient_name'],
    ['amount'],
    ['pay_date', 'period'],
    ['id_number', 'village'],
  ],
  evidence: [
    'program',
    'program_name',
    'recipient_name',
    'id_number',
    'township',
    'village',
    'amount',
    'pay_date',
    'period',
  ],
  nameColumn: 'recipient_name',
});
