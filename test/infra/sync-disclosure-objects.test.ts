/**
 * SyncDisclosure's IAM grant names two key patterns of the data bucket (`SHARD_OBJECTS` read,
 * `DISCLOSURE_OBJECTS` read/write), and the local platform does not enforce IAM: the real sync,
 * run on in-memory ports through a first load, a correction and a nightly run, must touch no
 * other object, or it would fail in AWS with AccessDenied.
 */
import type { ObjectStore } from '@jiandu/domain/ports';
import { syncDisclosure } from '@jiandu/pipeline';
import { describe, expect, it } from 'vitest';
import { DISCLOSURE_OBJECTS, SHARD_OBJECTS } from '../../infra/constructs/grants.js';
import { testId } from '../support/ids.js';
import { DATA, memoryPipeline } from '../support/workflow.js';

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** `objects` with every call recorded as `read|write bucket/key`. */
function recording(objects: ObjectStore, calls: string[]): ObjectStore {
  const read = (bucket: string, key: string) => {
    calls.push(`read ${bucket}/${key}`);
  };
  return {
    stream: (bucket, key, ifMatch) => {
      read(bucket, key);
      return objects.stream(bucket, key, ifMatch);
    },
    etag: async (bucket, key) => {
      read(bucket, key);
      return objects.etag(bucket, key);
    },
    versionId: async (bucket, key) => {
      read(bucket, key);
      return objects.versionId(bucket, key);
    },
    getBytes: async (bucket, key) => {
      read(bucket, key);
      return objects.getBytes(bucket, key);
    },
    exists: async (bucket, key) => {
      read(bucket, key);
      return objects.exists(bucket, key);
    },
    put: async (bucket, key, body, type) => {
      calls.push(`write ${bucket}/${key}`);
      return objects.put(bucket, key, body, type);
    },
  };
}

const ID = testId('1950-03-01', 11);
const OTHER = testId('1960-12-31', 33);
const payments = (amount: string) =>
  [
    '项目名称,姓名,身份证号,乡镇（街道）,村（社区）,金额（元）,发放日期',
    `农村低保,王建国,${ID},青山镇,红星村,"${amount}",2023-05-05`,
    `农村低保,张伟,${OTHER},石门乡,白沙村,"800.00",2023-06-05`,
  ].join('\n');

describe('the disclosure sync in the data bucket', () => {
  it('reads only version shards and reads and writes only disclosure/ objects', async () => {
    const clock = { now: '2023-07-01T00:00:00.000Z' };
    const p = memoryPipeline(clock);
    const calls: string[] = [];
    const sync = () => syncDisclosure({ ...p.deps, objects: recording(p.deps.objects, calls) });

    await p.deliver(
      'uploads/police/household_registry/registry.csv',
      ['公民身份号码,姓名,性别,户号,与户主关系,乡镇,村', `${ID},王建国,男,H001,户主,青山镇,红星村`].join(
        '\n',
      ),
    );
    await p.deliver('uploads/civil-affairs/subsidy_payments/2023.csv', payments('1,200.00'));
    await p.deliver(
      'uploads/township-431199100/notices/公开.csv',
      ['乡镇,村,公开类别,标题,内容,公开日期', '青山镇,红星村,低保,低保名单公示,名单见附件,2023-05-01'].join(
        '\n',
      ),
    );
    await sync(); // the first load: every unit, totals, the lookup index
    await p.deliver('uploads/civil-affairs/subsidy_payments/2023.csv', payments('1,300.00'));
    await sync(); // a corrected roster: one unit replaced, its shard recounted
    clock.now = '2024-09-01T00:00:00.000Z';
    await sync(); // a later night: nothing new

    expect(calls.some((c) => c.startsWith('write '))).toBe(true);
    expect(calls.some((c) => glob(`read ${DATA}/${SHARD_OBJECTS}`).test(c))).toBe(true);
    const allowed = [
      glob(`read ${DATA}/${SHARD_OBJECTS}`),
      glob(`read ${DATA}/${DISCLOSURE_OBJECTS}`),
      glob(`write ${DATA}/${DISCLOSURE_OBJECTS}`),
    ];
    expect(calls.filter((c) => !allowed.some((a) => a.test(c)))).toEqual([]);
  });
});
