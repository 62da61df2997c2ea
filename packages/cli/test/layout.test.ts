import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LayoutError, planUpload, sha256File } from '../src/layout.js';
import { targetSpec } from '../src/target.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp folder with `files` (relative path → content). */
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'jiandu-layout-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function problems(root: string): readonly string[] {
  try {
    planUpload(root);
  } catch (error) {
    if (error instanceof LayoutError) return error.problems;
    throw error;
  }
  throw new Error('expected a LayoutError');
}

describe('planUpload', () => {
  it('maps {department}/{kind}/<file> to upload keys, reference data first', () => {
    const root = folder({
      'civil-affairs/subsidy_payments/2023年01月.csv': 'a',
      'police/household_registry/户籍.xlsx': 'b',
      'statistics/divisions/区划.csv': 'c',
      'truth.json': '{}',
      'police/household_registry/.DS_Store': '',
      'police/household_registry/~$户籍.xlsx': '',
    });
    const plan = planUpload(root);
    expect(plan.files.map((f) => f.key)).toEqual([
      'uploads/statistics/divisions/区划.csv',
      'uploads/police/household_registry/户籍.xlsx',
      'uploads/civil-affairs/subsidy_payments/2023年01月.csv',
    ]);
    expect(plan.files[2]).toMatchObject({
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      fileName: '2023年01月.csv',
      relativePath: join('civil-affairs', 'subsidy_payments', '2023年01月.csv'),
      size: 1,
    });
    expect([...plan.skipped].sort()).toEqual(
      [
        join('police', 'household_registry', '.DS_Store'),
        join('police', 'household_registry', '~$户籍.xlsx'),
        'truth.json',
      ].sort(),
    );
  });

  it('accepts a tree with an uploads/ root, like the bucket', () => {
    const root = folder({ 'uploads/finance/fiscal_payroll/工资.csv': 'x', 'README.txt': 'notes' });
    const plan = planUpload(root);
    expect(plan.root).toBe(join(root, 'uploads'));
    expect(plan.files.map((f) => f.key)).toEqual(['uploads/finance/fiscal_payroll/工资.csv']);
  });

  it('lists every layout problem at once, naming the path and the reason', () => {
    const root = folder({
      'civil-affairs/payments/a.csv': 'x',
      'Police/household_registry/b.csv': 'x',
      'finance/c.csv': 'x',
      'finance/fiscal_payroll/2023/d.csv': 'x',
      'finance/fiscal_payroll/e.pdf': 'x',
    });
    expect(problems(root)).toEqual([
      expect.stringMatching(/^civil-affairs\/payments：未知数据类型「payments」（可用：household_registry、/),
      'finance/c.csv：文件必须放在 {部门}/{数据类型}/ 目录下，而不是直接放在部门目录下',
      'finance/fiscal_payroll/2023：数据类型目录下不能再有子目录',
      'finance/fiscal_payroll/e.pdf：不支持的文件类型（仅 .csv 和 .xlsx）',
      expect.stringMatching(/^Police：部门代码「Police」无效/),
    ]);
  });

  it('refuses an empty or missing folder', () => {
    expect(problems(folder({ 'notes.txt': 'x' }))).toEqual([expect.stringContaining('没有可上传的文件')]);
    expect(problems(join(tmpdir(), 'jiandu-does-not-exist-4711'))).toEqual([
      expect.stringContaining('目录不存在'),
    ]);
  });

  it('hashes files as the pipeline does (SHA-256 of the raw bytes)', async () => {
    const root = folder({ 'a/divisions/x.csv': 'abc' });
    expect(await sha256File(join(root, 'a/divisions/x.csv'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('targetSpec', () => {
  it('defaults to the local platform of .jiandu', () => {
    expect(targetSpec({})).toEqual({ local: { endpointFile: join('.jiandu', 'platform.json') } });
    expect(targetSpec({ data: '/tmp/d' })).toEqual({
      local: { endpointFile: join('/tmp/d', 'platform.json') },
    });
    expect(targetSpec({ endpointFile: '/x/p.json', data: '/tmp/d' })).toEqual({
      local: { endpointFile: '/x/p.json' },
    });
  });

  it('names a deployed stack by its prefix, with the AWS profile', () => {
    expect(targetSpec({ profile: 'county', stack: 'Jiandu-' })).toEqual({
      stack: { prefix: 'Jiandu', profile: 'county' },
    });
    expect(targetSpec({ profile: 'county', stack: 'Jiandu-Data', region: 'cn-north-1' })).toEqual({
      stack: { prefix: 'Jiandu', profile: 'county', region: 'cn-north-1' },
    });
    expect(targetSpec({ profile: 'county' })).toEqual({ stack: { prefix: 'Jiandu', profile: 'county' } });
    expect(() => targetSpec({ stack: 'Jiandu' })).toThrow('--stack 需要同时给出 --profile');
  });
});
