import { describe, expect, it } from 'vitest';
import { mergeColumnMapping } from '../../src/datasets/column-mappings.js';
import {
  confirmHeldVersion,
  replaceSnapshot,
  restoreVersion,
  snapshotSuccession,
  withdrawVersion,
} from '../../src/datasets/corrections.js';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { version } from './fixtures.js';

const actor = { subject: 'u-police', name: '公安上传' };
const NOW = '2024-04-01T08:00:00.000Z';

describe('restoring a withdrawn version', () => {
  it('puts it back in force with who, when and why, and drops the withdrawal reason', () => {
    const w = withdrawVersion(version(), actor, '核查中', '2024-03-30T00:00:00.000Z');
    const r = restoreVersion(w, actor, ' 误撤回 ', NOW);
    expect(r.status).toBe('active');
    expect(r.statusReason).toBeUndefined();
    expect(r.history.at(-1)).toEqual({
      at: NOW,
      action: 'restored',
      by: 'u-police',
      byName: '公安上传',
      reason: '误撤回',
    });
  });

  it('refuses anything but a withdrawn version, and a restore without a reason', () => {
    expect(() => restoreVersion(version(), actor, '恢复', NOW)).toThrow(ConflictError);
    const w = withdrawVersion(version(), actor, '核查中', NOW);
    expect(() => restoreVersion(w, actor, ' ', NOW)).toThrow(ValidationError);
  });
});

describe('confirming a held snapshot', () => {
  const held = version({
    kind: 'household_registry',
    status: 'needs_confirmation',
    statusReason: '没有可用的数据行',
    hold: { reason: 'needs_confirmation', previousRows: 10 },
  });

  it('brings it into force and clears the hold', () => {
    const c = confirmHeldVersion(held, actor, '本季度确无数据', NOW);
    expect(c).toMatchObject({ status: 'active' });
    expect(c.hold).toBeUndefined();
    expect(c.statusReason).toBeUndefined();
    expect(c.history.at(-1)).toMatchObject({ action: 'confirmed', reason: '本季度确无数据' });
  });

  it('sends a version waiting for a mapping to the mapping instead', () => {
    const mapping = { ...held, status: 'needs_mapping' as const, hold: { reason: 'needs_mapping' as const } };
    expect(() => confirmHeldVersion(mapping, actor, '确认', NOW)).toThrow('请先指定列映射');
    expect(() => confirmHeldVersion(version(), actor, '确认', NOW)).toThrow(ConflictError);
  });
});

describe('snapshot succession', () => {
  it('keeps the newest snapshot in force, by receive time, and replaces the older ones', () => {
    const old = version({ kind: 'household_registry', receivedAt: '2024-01-01T00:00:00Z' });
    const mid = version({ kind: 'household_registry', receivedAt: '2024-02-01T00:00:00Z' });
    const withdrawn = version({
      kind: 'household_registry',
      receivedAt: '2024-02-15T00:00:00Z',
      status: 'withdrawn',
    });
    const { newest, older } = snapshotSuccession(mid, [old, mid, withdrawn]);
    expect(newest.versionId).toBe(mid.versionId);
    expect(older.map((v) => v.versionId)).toEqual([old.versionId]);
    // A late event for an older file: it is the one replaced.
    expect(snapshotSuccession(old, [mid]).older.map((v) => v.versionId)).toEqual([old.versionId]);
    expect(replaceSnapshot(old, mid, NOW)).toMatchObject({ status: 'replaced', replacedBy: mid.versionId });
    expect(replaceSnapshot(withdrawn, mid, NOW)).toBeUndefined();
  });
});

describe('a remembered column mapping', () => {
  it('adds new statements to earlier ones and keeps each in its history', () => {
    const first = mergeColumnMapping(
      undefined,
      'police',
      'vehicle_records',
      { 号码一: 'owner_id' },
      actor,
      NOW,
    );
    const second = mergeColumnMapping(
      first,
      'police',
      'vehicle_records',
      { 号码一: 'ignore', 车号: 'plate' },
      { subject: 'u-2' },
      '2024-05-01T00:00:00.000Z',
    );
    expect(second.columns).toEqual({ 号码一: 'ignore', 车号: 'plate' });
    expect(second.updatedBy).toBe('u-2');
    expect(second.history.map((h) => h.columns)).toEqual([
      { 号码一: 'owner_id' },
      { 号码一: 'ignore', 车号: 'plate' },
    ]);
  });
});
