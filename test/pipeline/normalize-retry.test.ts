/**
 * A Normalize that fails after it wrote the version (a transient fault in its last steps, a
 * crash before it returned) is run again by the workflow's Retry. The retry finds the bytes
 * registered — a duplicate, and the workflow's way ends without RecordPending — and must still
 * leave what the first try would have: the kind pending (its rules run), and what the upload
 * replaces replaced. Through the real ASL with the real tasks on in-memory ports.
 */

import type { DatasetVersion } from '@jiandu/domain/versions';
import { TransientError } from '@jiandu/pipeline/transient';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectionReset } from '../support/faults.js';
import { testId } from '../support/ids.js';
import { memoryPipeline } from '../support/workflow.js';

const JIA = testId('1950-03-01', 11);
const BING = testId('1960-12-31', 33);

const registry = (people: readonly [string, string, string][]) =>
  [
    '公民身份号码,姓名,性别,户号,与户主关系,乡镇,村',
    ...people.map(([id, name, household]) => `${id},${name},男,${household},户主,青山镇,红星村`),
  ].join('\n');

const deaths = ['身份证号,姓名,死亡日期', `${JIA},王建国,2023-02-10`].join('\n');

const payments = (months: readonly string[]) =>
  [
    '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
    ...months.flatMap((m) => [
      `农村低保,王建国,${JIA},青山镇,红星村,"1,200.00",${m}-05`,
      `农村低保,张伟,${BING},青山镇,红星村,"1,200.00",${m}-05`,
    ]),
  ].join('\n');

type Pipeline = ReturnType<typeof memoryPipeline>;

/** The version's record is written, then the try fails (once) as if the connection broke right after. */
function failOnceAfterCreating(p: Pipeline, fileName: string): { failures: number } {
  const counter = { failures: 0 };
  const versions = p.deps.versions;
  const create = versions.create.bind(versions);
  versions.create = async (version: DatasetVersion) => {
    const created = await create(version);
    if (version.fileName === fileName && counter.failures === 0) {
      counter.failures += 1;
      throw new TransientError(connectionReset());
    }
    return created;
  };
  return counter;
}

const versionOf = (p: Pipeline, fileName: string) =>
  [...p.deps.versions.items.values()].find((v) => v.fileName === fileName);

describe('a Normalize failing after it registered the upload, run again', () => {
  const clock = { now: '2023-07-01T00:00:00.000Z' };
  let p: Pipeline;

  beforeEach(async () => {
    clock.now = '2023-07-01T00:00:00.000Z';
    p = memoryPipeline(clock);
    await p.upload(
      'uploads/police/household_registry/registry-20230601.csv',
      registry([
        [JIA, '王建国', 'H001'],
        [BING, '张伟', 'H002'],
      ]),
    );
    await p.upload('uploads/civil-affairs/subsidy_payments/2023H1.csv', payments(['2023-04', '2023-05']));
  });

  it('leaves the kind pending, so the burst’s collision runs its rules', async () => {
    const fault = failOnceAfterCreating(p, 'deaths.csv');
    const output = await p.deliver('uploads/police/death_records/deaths.csv', deaths);
    expect(fault.failures).toBe(1);
    expect(output.version).toMatchObject({ outcome: 'duplicate', kind: 'death_records' });
    expect((await p.deps.pending.get())?.kinds).toContain('death_records');

    await p.complete();
    expect(p.leadsOf('R01').map((l) => l.subjectKey)).toHaveLength(1);
  });

  it('replaces the version the department asked to replace', async () => {
    const old = versionOf(p, '2023H1.csv') as DatasetVersion;
    const key = 'uploads/civil-affairs/subsidy_payments/2023H1-更正.csv';
    await p.deps.versions.recordUploadRequest({
      key,
      requestId: 'r-1',
      department: 'civil-affairs',
      kind: 'subsidy_payments',
      fileName: '2023H1-更正.csv',
      requestedBy: 'clerk-1',
      requestedAt: clock.now,
      expiresAt: '2023-07-01T01:00:00.000Z',
      replaces: old.versionId,
      reason: '金额录入错误',
    });
    const fault = failOnceAfterCreating(p, '2023H1-更正.csv');
    const output = await p.deliver(key, payments(['2023-04']));
    expect(fault.failures).toBe(1);
    expect(output.version).toMatchObject({ outcome: 'duplicate' });
    const replacement = versionOf(p, '2023H1-更正.csv');
    expect(versionOf(p, '2023H1.csv')).toMatchObject({
      status: 'replaced',
      replacedBy: replacement?.versionId,
    });
    expect((await p.deps.pending.get())?.kinds).toContain('subsidy_payments');
  });

  it('replaces the older snapshot', async () => {
    clock.now = '2023-07-02T00:00:00.000Z';
    const fault = failOnceAfterCreating(p, 'registry-20230701.csv');
    const output = await p.deliver(
      'uploads/police/household_registry/registry-20230701.csv',
      registry([[BING, '张伟', 'H002']]),
    );
    expect(fault.failures).toBe(1);
    expect(output.version).toMatchObject({ outcome: 'duplicate' });
    expect(versionOf(p, 'registry-20230601.csv')?.status).toBe('replaced');
    expect(versionOf(p, 'registry-20230701.csv')?.status).toBe('active');
    expect((await p.deps.pending.get())?.kinds).toContain('household_registry');
  });

  it('a replayed event of a registration that completed stays a no-op', async () => {
    const before = structuredClone([...p.deps.versions.items.values()]);
    const output = await p.replay('uploads/civil-affairs/subsidy_payments/2023H1.csv', 0);
    expect(output.version).toMatchObject({ outcome: 'duplicate' });
    expect(await p.deps.pending.get()).toBeUndefined();
    expect([...p.deps.versions.items.values()]).toEqual(before);
  });
});
