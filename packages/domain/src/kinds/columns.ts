import type { Column } from './define.js';

/*
 * Columns several kinds share, with the same label and type. A kind whose column differs
 * (the property's `address` is its 坐落) declares its own.
 */
export const idNumber = { name: 'id_number', label: '身份证号', type: 'person_id' } as const satisfies Column;
export const personName = { name: 'name', label: '姓名', type: 'name' } as const satisfies Column;
export const township = { name: 'township', label: '乡镇', type: 'township' } as const satisfies Column;
export const village = { name: 'village', label: '村(社区)', type: 'village' } as const satisfies Column;
export const employer = { name: 'employer', label: '工作单位', type: 'text' } as const satisfies Column;
export const relation = { name: 'relation', label: '与户主关系', type: 'label' } as const satisfies Column;
export const householdNo = { name: 'household_no', label: '户号', type: 'code' } as const satisfies Column;
export const address = { name: 'address', label: '住址', type: 'text' } as const satisfies Column;
export const status = { name: 'status', label: '状态', type: 'label' } as const satisfies Column;
