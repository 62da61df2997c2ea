import { describe, expect, it } from 'vitest';
import { demoFilesInUploadOrder } from '../src/index.js';

const file = (kind: string, fileName: string, department = 'x') => ({
  department,
  kind: kind as never,
  fileName,
  body: new Uint8Array(),
});

describe('demoFilesInUploadOrder', () => {
  it('uploads what other kinds are matched against first, and payments last', () => {
    const files = [
      file('subsidy_payments', 'b.csv'),
      file('village_finance', 'v.csv'),
      file('household_registry', 'r.csv'),
      file('subsidy_payments', 'a.csv'),
      file('divisions', 'd.csv'),
      file('public_officials', 'o.csv'),
    ];
    expect(demoFilesInUploadOrder(files).map((f) => f.fileName)).toEqual([
      'd.csv',
      'r.csv',
      'o.csv',
      'v.csv',
      'a.csv',
      'b.csv',
    ]);
  });
});
