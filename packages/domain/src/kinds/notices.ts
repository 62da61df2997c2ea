import { township, village } from './columns.js';
import { defineKind } from './define.js';

/** 党务政务村务公开 (CONTRACT.md §2). */
export const noticesKind = defineKind({
  kind: 'notices',
  label: '党务政务村务公开',
  versions: 'append',
  reference: false,
  uploadRank: 3,
  columns: [
    { name: 'level', label: '公开层级', type: 'label' },
    township,
    village,
    { name: 'category', label: '公开类别', type: 'label' },
    { name: 'title', label: '标题', type: 'text' },
    { name: 'body', label: '内容', type: 'text' },
    { name: 'publish_date', label: '公开日期', type: 'date' },
  ],
  required: [['title'], ['publish_date']],
  rowRequired: [['title'], ['publish_date']],
});
