/**
 * Issue 9 §2–3 on the real local platform (DynamoDB Local, s3rver, the deployed ASL, the HTTP
 * API with the local issuer's tokens, the staff CLI in-process): a vehicle register whose
 * owner-ID column no alias knows is held as `needs_mapping`, with Chinese guidance in the CLI
 * and the API; after `--map` the same file comes into force without a new upload and R03 fires.
 * Then the version is withdrawn and restored, and collision runs each time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Lead } from '@jiandu/domain/model';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { createS3Client } from '@jiandu/local/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { povertyRegistry, vehiclesWithUnplacedId } from '../support/unplaced-id.js';

const poverty = povertyRegistry;
const vehicles = vehiclesWithUnplacedId;

describe('an unknown ID column on the local platform', () => {
  let dataDir: string;
  let work: string;
  let platform: Platform;
  let police: string;
  let folder: string;

  const cli = (argv: string[]) => runCli(argv);
  const call = async (path: string, init: RequestInit = {}) =>
    fetch(`${platform.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${police}`, 'content-type': 'application/json' },
    });
  const vehicleVersion = async () => {
    const res = await call('/api/v1/versions?kind=vehicle_records');
    return ((await res.json()) as { items: DatasetVersion[] }).items.at(-1) as DatasetVersion;
  };
  const r03 = async () => {
    const res = await fetch(`${platform.apiUrl}/api/v1/leads?rule=R03&minScore=0&includeSuperseded=true`, {
      headers: { authorization: `Bearer ${platform.inspectorToken}` },
    });
    return ((await res.json()) as { items: Lead[] }).items;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jiandu-mapping-data-'));
    work = mkdtempSync(join(tmpdir(), 'jiandu-mapping-work-'));
    platform = await startPlatform({ dataDir, port: 0, empty: true, quiet: true, jobSchedules: [] });
    police = await platform.tokenFor('police');
    const s3 = createS3Client(platform.s3Endpoint);
    await s3.send(
      new PutObjectCommand({
        Bucket: platform.buckets.upload,
        Key: 'uploads/rural-revitalization/poverty_registry/监测对象.csv',
        Body: poverty,
      }),
    );
    s3.destroy();
    await platform.waitForIdle();
    folder = join(work, '报送');
    mkdirSync(join(folder, 'police', 'vehicle_records'), { recursive: true });
    writeFileSync(join(folder, 'police', 'vehicle_records', '机动车登记.csv'), vehicles);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    for (const dir of [dataDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the file as needs_mapping and says what to do, in the CLI and the API', async () => {
    const run = await cli(['upload', folder, '--data', dataDir, '--token', police]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('⏸ 暂不生效  police/vehicle_records/机动车登记.csv');
    expect(run.stdout).toContain('（待指定列映射）');
    expect(run.stdout).toContain('「号码一」「号码二」这几列的内容看起来是身份证号');
    expect(run.stdout).toContain('--map 号码一=owner_id');
    expect(run.stdout).toContain('暂不生效 1');

    const version = await vehicleVersion();
    expect(version).toMatchObject({
      status: 'needs_mapping',
      hold: { candidates: ['号码一', '号码二'], targets: ['owner_id'] },
    });
    expect(version.statusReason).toContain('指定后本文件无需重新上传即可生效');
    expect(await r03()).toEqual([]);
  }, 120_000);

  it('comes into force after --map, is reported as mapped, and R03 fires', async () => {
    const run = await cli([
      'upload',
      folder,
      '--data',
      dataDir,
      '--token',
      police,
      '--map',
      '号码一=owner_id',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('已记住列映射 police/vehicle_records：号码一=owner_id');
    expect(run.stdout).toContain('列「号码一」→ owner_id（按列映射）');
    await platform.waitForIdle();

    const version = await vehicleVersion();
    expect(version.status).toBe('active');
    expect(version.quality?.columns).toContainEqual({ header: '号码一', column: 'owner_id', how: 'mapping' });
    expect(version.history.map((e) => e.action)).toEqual(
      expect.arrayContaining(['registered', 'held', 'mapped']),
    );
    const mapping = await (await call('/api/v1/column-mappings?kind=vehicle_records')).json();
    expect(mapping).toMatchObject({ department: 'police', columns: { 号码一: 'owner_id' } });
    const leads = await r03();
    expect(leads).toHaveLength(1);
    expect(leads[0]?.status).toBe('new');
  }, 120_000);

  it('restores a withdrawn version with a reason; collision runs and the lead comes back', async () => {
    const { versionId } = await vehicleVersion();
    const withdrawn = await call(`/api/v1/versions/${versionId}/withdraw`, {
      method: 'POST',
      body: JSON.stringify({ reason: '核对车主信息' }),
    });
    expect(withdrawn.status).toBe(200);
    await platform.waitForIdle();
    expect((await r03())[0]?.status).toBe('superseded');

    const before = platform.executions().length;
    const run = await cli(['restore', versionId, '--data', dataDir, '--token', police, '--reason', '误撤回']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`已恢复 ${versionId}（机动车登记.csv），状态：active`);
    await platform.waitForIdle();
    expect(
      platform
        .executions()
        .slice(before)
        .map((e) => [e.summary, e.status]),
    ).toEqual([['Version Restored', 'SUCCEEDED']]);
    const version = await vehicleVersion();
    expect(version.history.at(-1)).toMatchObject({ action: 'restored', reason: '误撤回' });
    expect((await r03())[0]?.status).not.toBe('superseded');
  }, 120_000);

  it('holds a registry export with no rows until the department confirms it', async () => {
    const empty = join(work, '空户籍');
    mkdirSync(join(empty, 'police', 'household_registry'), { recursive: true });
    // Its only row is unusable: nothing would be left in force.
    writeFileSync(
      join(empty, 'police', 'household_registry', '户籍-无有效行.csv'),
      '公民身份号码,姓名,性别\n123,张三,男\n',
    );
    const run = await cli(['upload', empty, '--data', dataDir, '--token', police]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('（待确认）');
    expect(run.stdout).toContain('没有可用的数据行（读取 1 行，接受 0 行）');
    const res = await call('/api/v1/versions?kind=household_registry&status=needs_confirmation');
    const [held] = ((await res.json()) as { items: DatasetVersion[] }).items;
    expect(held?.hold).toMatchObject({ reason: 'needs_confirmation', previousRows: 0 });

    const before = platform.executions().length;
    const confirmed = await cli([
      'confirm',
      held?.versionId ?? '',
      '--data',
      dataDir,
      '--token',
      police,
      '--reason',
      '本县户籍暂未迁入',
    ]);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('已确认');
    await platform.waitForIdle();
    expect(
      platform
        .executions()
        .slice(before)
        .map((e) => [e.summary, e.status]),
    ).toEqual([['Version Confirmed', 'SUCCEEDED']]);
    const after = await call(`/api/v1/versions/${held?.versionId}`);
    expect(await after.json()).toMatchObject({ status: 'active' });
  }, 120_000);
});
