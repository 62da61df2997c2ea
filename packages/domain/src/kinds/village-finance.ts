import { township, village } from './columns.js';
import { defineKind } from './define.js';

/** 村级财务 (CONTRACT.md §2). */
export const villageFinanceKind = defineKind({
  kind: 'village_finance',
  label: '村级财务',
  versions: 'append',
  reference: false,
  uploadRank: 3,
  columns: [
    township,
    village,
    { name: 'voucher_no', label: '凭证号', type: 'code' },
    { name: 'date', label: '日期', type: 'date' },
    { name: 'direction', label: '收支方向', type: 'direction' },
    { name: 'category', label: '科目', type: 'label' },
    { name: 'amount', label: '金额', type: 'amount' },
    { name: 'counterparty', label: '收款人', type: 'name' },
    { name: 'counterparty_id', label: '收款人身份证号', type: 'secondary_id' },
    { name: 'summary', label: '摘要', type: 'text' },
    { name: 'attachments', label: '附件张数', type: 'number' },
  ],
  required: [['village'], ['date'], ['amount']],
  rowRequired: [['village'], ['date'], ['amount']],
  evidence: [
    'township',
    'village',
    'voucher_no',
    'date',
    'direction',
    'category',
    'amount',
    'counterparty',
    'counterparty_id',
    'summary',
  ],
});
