/**
 * Column mappings a department states from the command line: `--map 列名=列` and the mapping
 * file `{department}/{kind}/列映射.txt`, checked against the kinds before anything goes up.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMappingLines } from '@jiandu/ingest/mapping';
import { afterEach, describe, expect, it } from 'vitest';
import { LayoutError, MAPPING_FILE, planUpload } from '../src/layout.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'jiandu-mapping-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('column mappings in an upload folder', () => {
  it('reads the mapping file beside the files (not uploaded itself) and adds --map to kinds that have the column', () => {
    const root = folder({
      'police/vehicle_records/机动车.csv': 'a',
      [`police/vehicle_records/${MAPPING_FILE}`]:
        '\uFEFF# 交管导出\n身份证明号码=owner_id\n\n使用性质=ignore\n',
      'natural-resources/property_records/不动产.csv': 'b',
      'civil-affairs/subsidy_payments/低保.csv': 'c',
    });
    const plan = planUpload(root);
    expect(plan.files.map((f) => f.fileName)).toEqual(['不动产.csv', '机动车.csv', '低保.csv']);
    expect(plan.mappings).toEqual([
      {
        department: 'police',
        kind: 'vehicle_records',
        columns: { 身份证明号码: 'owner_id', 使用性质: 'ignore' },
      },
    ]);

    const mapped = planUpload(root, { 权属人证号: 'owner_id' });
    expect(mapped.mappings).toEqual([
      { department: 'natural-resources', kind: 'property_records', columns: { 权属人证号: 'owner_id' } },
      {
        department: 'police',
        kind: 'vehicle_records',
        columns: { 身份证明号码: 'owner_id', 使用性质: 'ignore', 权属人证号: 'owner_id' },
      },
    ]);
  });

  it('refuses, before uploading, a mapping to a column no kind in the folder has', () => {
    const root = folder({
      'police/vehicle_records/机动车.csv': 'a',
      [`police/vehicle_records/${MAPPING_FILE}`]: '号码一=legal_rep_id\n号码二\n',
    });
    const error = (() => {
      try {
        planUpload(root, { 车号: 'credit_code' });
      } catch (e) {
        return e;
      }
    })() as LayoutError;
    expect(error).toBeInstanceOf(LayoutError);
    expect(error.problems).toEqual([
      `police/vehicle_records/${MAPPING_FILE}：列映射「号码二」的格式应为 列名=列（例如 身份证明号码=owner_id）`,
      '--map 车号=credit_code：目录中没有哪种数据含有列 credit_code（数据类型：vehicle_records）',
    ]);
  });

  it('parses 列名=列 lines: the last = splits, blanks and comments are skipped', () => {
    expect(parseMappingLines(['a=b=owner_id', ' # note', '', ' 证件 号码 = owner_id '])).toEqual({
      'a=b': 'owner_id',
      '证件 号码': 'owner_id',
    });
    expect(() => parseMappingLines(['=owner_id'])).toThrow('格式应为 列名=列');
  });
});
