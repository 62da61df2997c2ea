/**
 * Two local platforms in one process, each on its own data folder and OS-chosen ports, with
 * the real functions: each API verifies its own issuer's tokens and reads its own table, and
 * each `platform.json` lists its own endpoints. (Before the function host, the second start
 * overwrote the first one's process environment and reused its cached handler modules.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ENDPOINT_FILE, readEndpointFile } from '@jiandu/local/endpoint-file';
import { type Platform, startPlatform } from '@jiandu/local/platform';
import { createS3Client } from '@jiandu/local/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('two local platforms side by side', () => {
  const environment = { ...process.env };
  const dataDirs: string[] = [];
  let a: Platform;
  let b: Platform;

  beforeAll(async () => {
    const start = async (name: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), `jiandu-side-${name}-`));
      dataDirs.push(dataDir);
      return startPlatform({ dataDir, port: 0, empty: true, quiet: true, schedules: [], jobSchedules: [] });
    };
    [a, b] = await Promise.all([start('a'), start('b')]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('opens every port of its own and lists them in its platform.json', () => {
    const [fileA, fileB] = dataDirs.map((dir) => readEndpointFile(join(dir, ENDPOINT_FILE)));
    const ports = (p: NonNullable<typeof fileA>) =>
      [p.apiUrl, p.issuerUrl, p.dynamodbEndpoint, p.s3Endpoint, p.sfnEndpoint].map(
        (url) => new URL(url).port,
      );
    expect(fileA).toMatchObject({
      apiUrl: a.apiUrl,
      issuerUrl: a.issuerUrl,
      dynamodbEndpoint: a.dynamodbEndpoint,
    });
    expect(fileB).toMatchObject({ apiUrl: b.apiUrl, issuerUrl: b.issuerUrl, s3Endpoint: b.s3Endpoint });
    const all = [...ports(fileA as NonNullable<typeof fileA>), ...ports(fileB as NonNullable<typeof fileB>)];
    expect(new Set(all).size).toBe(10);
    expect(all.every((port) => Number(port) > 0)).toBe(true);
    expect(process.env).toEqual(environment);
  });

  it("accepts its own issuer's tokens and refuses the other platform's", async () => {
    const leads = (platform: Platform, token: string) =>
      fetch(`${platform.apiUrl}/api/v1/leads`, { headers: { authorization: `Bearer ${token}` } });
    expect((await leads(a, a.inspectorToken)).status).toBe(200);
    expect((await leads(b, b.inspectorToken)).status).toBe(200);
    expect((await leads(a, b.inspectorToken)).status).toBe(401);
    expect((await leads(b, a.inspectorToken)).status).toBe(401);
  });

  it('ingests an upload into its own storage only', async () => {
    const s3 = createS3Client(a.s3Endpoint);
    await s3.send(
      new PutObjectCommand({
        Bucket: a.buckets.upload,
        Key: 'uploads/civil-affairs/divisions/区划.csv',
        Body: '区划代码,名称,级别,上级区划代码\n431199000000,青山县,县,\n431199100000,青山镇,乡镇,431199000000\n',
      }),
    );
    s3.destroy();
    await a.waitForIdle(60_000);
    const versions = async (platform: Platform) => {
      const res = await fetch(`${platform.apiUrl}/api/v1/versions`, {
        headers: { authorization: `Bearer ${platform.inspectorToken}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { fileName: string }[] }).items.map((v) => v.fileName);
    };
    // The upload, then (its burst over) the one collision it marked pending.
    expect(a.executions().map((e) => [e.input['detail-type'], e.status])).toEqual([
      ['Object Created', 'SUCCEEDED'],
      ['Collision Pending', 'SUCCEEDED'],
    ]);
    expect(await versions(a)).toEqual(['区划.csv']);
    expect(await versions(b)).toEqual([]);
    expect(b.executions()).toEqual([]);
  });
});
