/**
 * Held and returning versions through the real workflow definition over in-memory ports
 * (issue 9 §2–3, issue 13): a vehicle file whose owner-ID column can't be placed is held as
 * `needs_mapping` and runs no collision; the department's mapping reads it again without a new
 * upload and R03 fires. A withdrawn file uploaded again comes back, a replayed old event does
 * not. A snapshot that shrinks to nothing (or by more than the limit) waits for confirmation.
 */
import { mergeColumnMapping, REPROCESS_REQUEST } from '@jiandu/domain/datasets/column-mappings';
import { withdrawVersion } from '@jiandu/domain/datasets/corrections';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { describe, expect, it } from 'vitest';
import { testId } from '../support/ids.js';
import { POOR, povertyRegistry, vehiclesWithUnplacedId } from '../support/unplaced-id.js';
import { memoryPipeline, UPLOAD } from '../support/workflow.js';

const poverty = povertyRegistry;
const vehicles = vehiclesWithUnplacedId;
const VEHICLES = 'uploads/police/vehicle_records/机动车登记.csv';

async function versionOf(p: ReturnType<typeof memoryPipeline>, department: string, kind: string) {
  const list = await p.deps.versions.listOfDataset(department, kind as DatasetVersion['kind']);
  return list.at(-1) as DatasetVersion;
}

/** The police say which column holds the owner's ID (`--map 号码一=owner_id`). */
async function mapOwnerId(p: ReturnType<typeof memoryPipeline>, at: string): Promise<void> {
  await p.deps.columnMappings.save(
    mergeColumnMapping(
      undefined,
      'police',
      'vehicle_records',
      { 号码一: 'owner_id' },
      { subject: 'u-police' },
      at,
    ),
  );
}

/** The re-read the mapping asks for (the API's `REPROCESS_REQUEST`). */
function rereadOf(versionId: string) {
  return {
    versionId,
    kind: 'vehicle_records',
    department: 'police',
    bucket: { name: UPLOAD },
    object: { key: VEHICLES },
  };
}

describe('a vehicle file whose owner-ID column cannot be placed', () => {
  it('is held as needs_mapping without collision, and comes into force under the mapping', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    await p.upload('uploads/rural-revitalization/poverty_registry/监测对象.csv', poverty);

    const held = await p.upload(VEHICLES, vehicles);
    expect(held.version).toMatchObject({ outcome: 'held' });
    expect(held.plan).toBeUndefined(); // ended at Held: nothing collided
    const version = await versionOf(p, 'police', 'vehicle_records');
    expect(version).toMatchObject({
      status: 'needs_mapping',
      hold: { reason: 'needs_mapping', candidates: ['号码一', '号码二'], targets: ['owner_id'] },
      shardRows: [],
    });
    expect(version.statusReason).toContain('无法确定哪一列是所有人证件号码(owner_id)');
    expect(version.statusReason).toContain('--map 号码一=owner_id');
    expect(p.leadsOf('R03')).toEqual([]);

    clock.now = '2024-05-02T00:00:00.000Z';
    await mapOwnerId(p, clock.now);
    const reread = await p.request(REPROCESS_REQUEST, rereadOf(version.versionId));
    expect(reread).toHaveProperty('runId'); // registered: a collision ran
    const active = await versionOf(p, 'police', 'vehicle_records');
    expect(active.status).toBe('active');
    expect(active.hold).toBeUndefined();
    expect(active.statusReason).toBeUndefined();
    expect(active.history.map((e) => [e.action, e.by])).toEqual([
      ['registered', 'police'],
      ['held', 'system'],
      ['mapped', 'u-police'],
    ]);
    expect(active.quality?.columns).toContainEqual({ header: '号码一', column: 'owner_id', how: 'mapping' });
    // The clerk's column is not silently dropped: the report says it was not used.
    expect(active.quality?.warnings.join('\n')).toContain('「号码二」的内容是身份证号');
    expect(p.leadsOf('R03').map((l) => l.subjectKey)).toHaveLength(1);

    // Next month's file with the same headers goes straight through.
    const next = await p.upload('uploads/police/vehicle_records/机动车登记-6月.csv', `${vehicles}\n`);
    expect(next).toHaveProperty('runId');
  });
});

describe('a held file read twice at once', () => {
  it("comes into force once: the mapping's re-read and the upload's event don't fail each other", async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    await p.upload('uploads/rural-revitalization/poverty_registry/监测对象.csv', poverty);
    await p.upload(VEHICLES, vehicles);
    const { versionId } = await versionOf(p, 'police', 'vehicle_records');
    clock.now = '2024-05-02T00:00:00.000Z';
    await mapOwnerId(p, clock.now);
    // `cli upload --map`: the mapping asks for a re-read while the same file is sent again.
    const outcomes = await Promise.all([
      p.deliver(VEHICLES, vehicles),
      p.request(REPROCESS_REQUEST, rereadOf(versionId)),
    ]);
    const read = outcomes.map((o) => (o.version as { outcome: string } | undefined)?.outcome ?? 'collided');
    expect(read).toContain('duplicate');
    const active = await versionOf(p, 'police', 'vehicle_records');
    expect(active.status).toBe('active');
    expect(active.history.filter((e) => e.action === 'mapped')).toHaveLength(1);
  });
});

describe('a withdrawn version', () => {
  const deaths = ['身份证号,姓名,死亡日期', `${POOR},王建国,2023-02-10`].join('\n');
  const KEY = 'uploads/police/death_records/死亡.csv';

  it('comes back when its bytes are uploaded again, but not on a redelivered old event', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    await p.upload(KEY, deaths, '2024-05-01T00:00:00.000Z');
    const original = await versionOf(p, 'police', 'death_records');
    clock.now = '2024-05-02T00:00:00.000Z';
    await p.deps.versions.save(withdrawVersion(original, { subject: 'u-police' }, '误传', clock.now));

    // The original event delivered again (at least once): it happened before the withdrawal.
    const replayed = await p.replay(KEY, deaths.length, '2024-05-01T00:00:00.000Z');
    expect(replayed.version).toMatchObject({ outcome: 'duplicate' });
    expect((await versionOf(p, 'police', 'death_records')).status).toBe('withdrawn');

    clock.now = '2024-05-03T00:00:00.000Z';
    const again = await p.upload('uploads/police/death_records/死亡-恢复.csv', deaths, clock.now);
    expect(again).toHaveProperty('runId'); // registered: a collision ran
    const restored = await versionOf(p, 'police', 'death_records');
    expect(restored).toMatchObject({
      versionId: original.versionId,
      status: 'active',
      receivedAt: '2024-05-03T00:00:00Z',
    });
    expect(restored.history.map((e) => e.action)).toEqual(['registered', 'withdrawn', 'restored']);
    expect(restored.history.at(-1)?.reason).toBe('重新上传了与该版本字节相同的文件 死亡-恢复.csv');
  });
});

describe('a snapshot that would shrink the data in force', () => {
  const registry = (n: number) =>
    [
      '公民身份号码,姓名',
      ...Array.from({ length: n }, (_, i) => `${testId('1960-01-01', i + 1)},张${'一二三四五六七八九十'[i]}`),
    ].join('\n');
  const KEY = (name: string) => `uploads/police/household_registry/${name}.csv`;

  it('is held for confirmation when empty or shrinking by more than half, and replaces nothing', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    // Every row unusable (header-only files are refused by the reader as no_rows).
    const empty = await p.upload(KEY('空'), '公民身份号码,姓名\n123,张三\n', '2024-05-01T00:00:00.000Z');
    expect(empty.version).toMatchObject({ outcome: 'held' });
    expect(await versionOf(p, 'police', 'household_registry')).toMatchObject({
      status: 'needs_confirmation',
      hold: { reason: 'needs_confirmation', previousRows: 0 },
    });

    await p.upload(KEY('十人'), registry(10), '2024-05-02T00:00:00.000Z');
    const shrunk = await p.upload(KEY('四人'), registry(4), '2024-05-03T00:00:00.000Z');
    expect(shrunk.version).toMatchObject({ outcome: 'held' });
    const list = await p.deps.versions.listOfDataset('police', 'household_registry');
    expect(list.map((v) => [v.fileName, v.status])).toEqual([
      ['空.csv', 'needs_confirmation'],
      ['十人.csv', 'active'],
      ['四人.csv', 'needs_confirmation'],
    ]);
    expect(list[2]?.statusReason).toContain('只有 4 行可用数据，比正在生效的版本（10 行）少了 60%');
    expect(list[2]?.statusReason).toContain(`npm run cli -- confirm ${list[2]?.versionId}`);

    // Half is within the default limit: it replaces the ten as usual.
    const half = await p.upload(KEY('五人'), registry(5), '2024-05-04T00:00:00.000Z');
    expect(half).toHaveProperty('runId');
    expect(
      (await p.deps.versions.listOfDataset('police', 'household_registry')).map((v) => v.status),
    ).toEqual(['needs_confirmation', 'replaced', 'needs_confirmation', 'active']);
  });
});

describe('a file rejected for a column it names its own way', () => {
  const payments = ['项目名称,姓名,所在组,金额,发放日期', '农村低保,王建国,红星村,300,2023-07-05'].join('\n');
  const KEY = 'uploads/civil-affairs/subsidy_payments/7月.csv';

  it('is read again once the department maps the column, and stays rejected under a mapping that does not help', async () => {
    const clock = { now: '2024-05-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    await expect(p.upload(KEY, payments)).rejects.toThrow(); // FileRejected ends the execution
    const rejected = await versionOf(p, 'civil-affairs', 'subsidy_payments');
    expect(rejected.status).toBe('rejected');
    expect(rejected.statusReason).toContain('请指定列映射');
    const reread = () =>
      p.request(REPROCESS_REQUEST, {
        versionId: rejected.versionId,
        kind: 'subsidy_payments',
        bucket: { name: UPLOAD },
        object: { key: KEY },
      });

    clock.now = '2024-05-02T00:00:00.000Z';
    const save = (columns: Record<string, string>) =>
      p.deps.columnMappings
        .get('civil-affairs', 'subsidy_payments')
        .then((m) =>
          p.deps.columnMappings.save(
            mergeColumnMapping(
              m,
              'civil-affairs',
              'subsidy_payments',
              columns,
              { subject: 'u-civil' },
              clock.now,
            ),
          ),
        );
    await save({ 备注栏: 'ignore' });
    expect((await reread()).version).toMatchObject({ outcome: 'duplicate' });
    expect((await versionOf(p, 'civil-affairs', 'subsidy_payments')).status).toBe('rejected');

    clock.now = '2024-05-03T00:00:00.000Z';
    await save({ 所在组: 'village' });
    expect(await reread()).toHaveProperty('runId');
    const active = await versionOf(p, 'civil-affairs', 'subsidy_payments');
    expect(active.status).toBe('active');
    expect(active.error).toBeUndefined();
    expect(active.quality?.columns).toContainEqual({ header: '所在组', column: 'village', how: 'mapping' });
  });
});
