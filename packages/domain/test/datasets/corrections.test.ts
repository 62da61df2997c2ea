import { describe, expect, it } from 'vitest';
import {
  noteReplacementRequested,
  replaceOnRequest,
  type UploadRequest,
  uploadKeyFor,
  validateUploadFileName,
  withdrawVersion,
} from '../../src/datasets/corrections.js';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { version } from './fixtures.js';

const actor = { subject: 'u-civil', name: '民政上传' };
const NOW = '2024-04-01T08:00:00.000Z';

function request(overrides: Partial<UploadRequest> = {}): UploadRequest {
  return {
    key: 'uploads/civil-affairs/subsidy_payments/2024-03-更正.csv',
    requestId: 'r-1',
    department: 'civil-affairs',
    kind: 'subsidy_payments',
    fileName: '2024-03-更正.csv',
    requestedBy: 'u-civil',
    requestedByName: '民政上传',
    requestedAt: NOW,
    expiresAt: '2024-04-01T08:15:00.000Z',
    ...overrides,
  };
}

describe('withdrawing a version', () => {
  it('records who, when and why, and takes the version out of force', () => {
    const v = version();
    const w = withdrawVersion(v, actor, '  发放名单有误  ', NOW);
    expect(w.status).toBe('withdrawn');
    expect(w.statusReason).toBe('发放名单有误');
    expect(w.history).toEqual([
      ...v.history,
      { at: NOW, action: 'withdrawn', by: 'u-civil', byName: '民政上传', reason: '发放名单有误' },
    ]);
    expect(v.status).toBe('active');
  });

  it('needs a reason', () => {
    expect(() => withdrawVersion(version(), actor, ' 错 ', NOW)).toThrow(ValidationError);
    expect(() => withdrawVersion(version(), actor, '错'.repeat(501), NOW)).toThrow(/500/);
  });

  it('refuses twice, a replaced version (409) and a rejected file (400), saying why', () => {
    const w = withdrawVersion(version(), actor, '发放名单有误', NOW);
    expect(() => withdrawVersion(w, actor, '再撤一次', NOW)).toThrow(ConflictError);
    expect(() => withdrawVersion(w, actor, '再撤一次', NOW)).toThrow(`已于 ${NOW} 撤回`);
    expect(() =>
      withdrawVersion(version({ status: 'replaced', replacedBy: 'v-new' }), actor, '撤回', NOW),
    ).toThrow(/v-new/);
    const rejected = version({ status: 'rejected', statusReason: '缺少必需列：身份证号' });
    expect(() => withdrawVersion(rejected, actor, '撤回', NOW)).toThrow(ValidationError);
    expect(() => withdrawVersion(rejected, actor, '撤回', NOW)).toThrow(/缺少必需列/);
  });
});

describe('upload file names', () => {
  it('accepts CSV and XLSX names, trimmed', () => {
    expect(validateUploadFileName(' 2024年3月低保.XLSX ')).toBe('2024年3月低保.XLSX');
    expect(uploadKeyFor('police', 'household_registry', 'hukou.csv')).toBe(
      'uploads/police/household_registry/hukou.csv',
    );
  });

  it.each([
    ['', '不能为空'],
    ['../x.csv', '/'],
    ['a\\b.csv', '/'],
    ['a\nb.csv', '控制字符'],
    ['report.xls', '.csv 或 .xlsx'],
    ['report.pdf', '.csv 或 .xlsx'],
    [`${'a'.repeat(121)}.csv`, '120'],
  ])('refuses %j', (name, message) => {
    expect(() => validateUploadFileName(name)).toThrow(message);
  });
});

describe('replacing a version', () => {
  it('notes the request on the version to be replaced', () => {
    const v = version();
    const noted = noteReplacementRequested(v, request({ replaces: v.versionId, reason: '金额录错' }), NOW);
    expect(noted.status).toBe('active');
    expect(noted.history.at(-1)).toEqual({
      at: NOW,
      action: 'replacement_requested',
      by: 'u-civil',
      byName: '民政上传',
      reason: '金额录错',
      replacement: 'uploads/civil-affairs/subsidy_payments/2024-03-更正.csv',
    });
  });

  it('only replaces active versions of the same department and kind', () => {
    expect(() => noteReplacementRequested(version({ status: 'withdrawn' }), request(), NOW)).toThrow(/撤回/);
    expect(() => noteReplacementRequested(version({ department: 'police' }), request(), NOW)).toThrow(
      ValidationError,
    );
  });

  it('replaces on arrival with the requester and reason in the history', () => {
    const old = version();
    const fresh = version({ fileName: '2024-03-更正.csv' });
    const replaced = replaceOnRequest(
      old,
      fresh,
      request({ replaces: old.versionId, reason: '金额录错' }),
      NOW,
    );
    expect(replaced).toMatchObject({ status: 'replaced', replacedBy: fresh.versionId });
    expect(replaced?.statusReason).toContain('金额录错');
    expect(replaced?.history.at(-1)).toMatchObject({
      action: 'replaced',
      by: 'u-civil',
      replacement: fresh.versionId,
    });
    expect(replaceOnRequest({ ...old, status: 'withdrawn' }, fresh, request(), NOW)).toBeUndefined();
    expect(replaceOnRequest(old, old, request(), NOW)).toBeUndefined();
  });
});
