import { describe, expect, it } from 'vitest';
import { fieldName } from '../src/fields.js';

describe('fieldName', () => {
  it('names a field by its Chinese label and the path the client sent', () => {
    expect(fieldName('recoveredAmount')).toBe('追回金额（recoveredAmount）');
    expect(fieldName('dispositions.criticism')).toBe('批评教育人数（dispositions.criticism）');
    expect(fieldName('wrongRows.3')).toBe('错误数据行（wrongRows.3）');
    expect(fieldName('reporter.phone')).toBe('联系电话（reporter.phone）');
  });

  it('falls back to the bare path for a field without a label', () => {
    expect(fieldName('somethingNew')).toBe('somethingNew');
  });
});
