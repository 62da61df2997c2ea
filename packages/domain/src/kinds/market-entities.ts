import { status } from './columns.js';
import { defineKind } from './define.js';

/** 市场主体 (CONTRACT.md §2). */
export const marketEntitiesKind = defineKind({
  kind: 'market_entities',
  label: '市场主体',
  versions: 'snapshot',
  reference: true,
  uploadRank: 1,
  columns: [
    { name: 'credit_code', label: '统一社会信用代码', type: 'code' },
    { name: 'entity_name', label: '企业名称', type: 'text' },
    { name: 'entity_type', label: '主体类型', type: 'label' },
    { name: 'legal_rep_name', label: '法定代表人', type: 'name' },
    { name: 'legal_rep_id', label: '法定代表人身份证号', type: 'person_id' },
    { name: 'registered_capital', label: '注册资本', type: 'amount_wan' },
    status,
    { name: 'established_date', label: '成立日期', type: 'date' },
  ],
  required: [
    ['entity_name', 'credit_code'],
    ['legal_rep_name', 'legal_rep_id'],
  ],
  rowRequired: [['entity_name', 'credit_code']],
  evidence: [
    'credit_code',
    'entity_name',
    'entity_type',
    'legal_rep_name',
    'legal_rep_id',
    'registered_capital',
    'status',
  ],
  nameColumn: 'legal_rep_name',
});
