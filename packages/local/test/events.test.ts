import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DemoFile, orderDemoFiles, uploadKey } from '../src/demo.js';
import {
  describeEvent,
  eventBridgeTime,
  objectCreatedEvent,
  objectCreatedFromRecord,
  type S3NotificationRecord,
  scheduledEvent,
} from '../src/events.js';
import { cronPattern } from '../src/scheduler.js';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../events/${name}`, import.meta.url)), 'utf8'));

/** Nested keys with leaf types. */
function keyShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyShape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, keyShape((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

describe('workflow events', () => {
  it('builds Object Created events shaped like the canonical sample', () => {
    const expected = sample('s3-object-created.json');
    const event = objectCreatedEvent({
      bucket: 'jiandu-uploads',
      key: 'uploads/civil-affairs/subsidy_payments/2018-07-dibao.csv',
      size: 5432,
      etag: '"b1946ac92492d2347c6235b4d2611184"',
      sequencer: '00617F08299329D189',
      time: new Date('2018-08-01T02:15:00.123Z'),
    });
    expect(keyShape(event)).toEqual(keyShape(expected));
    // Everything but the generated ids matches the sample exactly.
    expect({ ...event, id: 'x', detail: { ...event.detail, 'request-id': 'y' } }).toEqual({
      ...expected,
      id: 'x',
      detail: { ...(expected.detail as object), 'request-id': 'y' },
    });
  });

  it('builds Scheduled Events shaped like the canonical sample', () => {
    const expected = sample('scheduled-event.json');
    const event = scheduledEvent('jiandu-NightlyCollision', new Date('2018-08-01T18:00:00Z'));
    expect({ ...event, id: expected.id }).toEqual(expected);
    expect(describeEvent(event)).toBe('Scheduled Event jiandu-NightlyCollision');
  });

  it('formats time in whole seconds as EventBridge does', () => {
    expect(eventBridgeTime(new Date('2024-02-29T23:59:59.999Z'))).toBe('2024-02-29T23:59:59Z');
  });

  it('maps S3 notification records to Object Created events and ignores removals', () => {
    const record = (
      eventName: string,
      object: S3NotificationRecord['s3']['object'],
    ): S3NotificationRecord => ({
      eventName,
      eventTime: '2018-08-01T02:15:07.450Z',
      requestParameters: { sourceIPAddress: '::ffff:127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'ABC123' },
      s3: { bucket: { name: 'jiandu-uploads' }, object },
    });
    const put = objectCreatedFromRecord(
      record('ObjectCreated:Put', { key: 'uploads/a/b/c.csv', size: 3, eTag: 'abc', sequencer: '0A' }),
    );
    expect(put).toMatchObject({
      time: '2018-08-01T02:15:07Z',
      detail: {
        object: { key: 'uploads/a/b/c.csv', size: 3, etag: 'abc', sequencer: '0A' },
        'request-id': 'ABC123',
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
    const copy = objectCreatedFromRecord(record('ObjectCreated:Copy', { key: 'uploads/a/b/d.csv' }), {
      size: 9,
      etag: '"def"',
    });
    expect(copy?.detail).toMatchObject({ object: { size: 9, etag: 'def' }, reason: 'CopyObject' });
    expect(
      objectCreatedFromRecord(record('ObjectRemoved:Delete', { key: 'uploads/a/b/c.csv' })),
    ).toBeUndefined();
  });
});

describe('schedules', () => {
  it('converts EventBridge expressions and passes croner patterns through', () => {
    expect(cronPattern('cron(0 18 * * ? *)')).toBe('0 18 * * *');
    expect(cronPattern('rate(5 minutes)')).toBe('*/5 * * * *');
    expect(cronPattern(' * * * * * * ')).toBe('* * * * * *');
    expect(() => cronPattern('cron(0 18 * *)')).toThrow(/6 fields/);
  });
});

describe('demo upload order', () => {
  it("puts divisions, then reference data, then books and payments, in the kinds' upload order", () => {
    const file = (kind: string, fileName: string): DemoFile => ({
      department: 'd',
      kind,
      fileName,
      body: new Uint8Array(),
    });
    const ordered = orderDemoFiles([
      file('subsidy_payments', '1.csv'),
      file('death_records', '2.csv'),
      file('notices', '3.csv'),
      file('divisions', '4.csv'),
      file('household_registry', '5.csv'),
      file('village_finance', '6.xlsx'),
    ]);
    expect(ordered.map((f) => f.fileName)).toEqual(['4.csv', '5.csv', '2.csv', '6.xlsx', '3.csv', '1.csv']);
    expect(uploadKey(file('divisions', '区划.csv'))).toBe('uploads/d/divisions/区划.csv');
  });
});
