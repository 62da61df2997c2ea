import { status, township, village } from './columns.js';
import { defineKind } from './define.js';

/** 民生项目 (CONTRACT.md §2). */
export const livelihoodProjectsKind = defineKind({
  kind: 'livelihood_projects',
  label: '民生项目',
  versions: 'snapshot',
  reference: false,
  uploadRank: 2,
  columns: [
    { name: 'project_code', label: '项目编号', type: 'code' },
    { name: 'name', label: '项目名称', type: 'text' },
    { name: 'department', label: '主管部门', type: 'text' },
    township,
    village,
    { name: 'budget', label: '项目预算', type: 'amount' },
    { name: 'funding_source', label: '资金来源', type: 'label' },
    { name: 'contractor_name', label: '承建单位', type: 'text' },
    { name: 'contractor_code', label: '承建单位代码', type: 'party_code' },
    { name: 'tender_method', label: '招标方式', type: 'label' },
    { name: 'start_date', label: '开工日期', type: 'date' },
    { name: 'end_date', label: '竣工日期', type: 'date' },
    status,
  ],
  required: [
    ['name', 'project_code'],
    ['contractor_name', 'contractor_code'],
  ],
  rowRequired: [['name', 'project_code']],
  evidence: [
    'project_code',
    'name',
    'department',
    'township',
    'village',
    'budget',
    'contractor_name',
    'contractor_code',
    'tender_method',
    'start_date',
  ],
  nameColumn: 'name',
});
