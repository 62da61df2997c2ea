/**
 * System changes of a version (a newer upload replaces it) racing a person's change: the
 * other change is never overwritten, and the system decides again on what is stored.
 */
import { RevisionConflictError } from '@jiandu/domain/ports';
import { changeVersion, type DatasetVersion } from '@jiandu/domain/versions';
import { MemoryVersions } from '@jiandu/store/memory';
import { describe, expect, it } from 'vitest';

const V: DatasetVersion = {
  versionId: 'v-1',
  department: 'civil-affairs',
  kind: 'subsidy_payments',
  fileName: '一月.csv',
  rawBucket: 'uploads-bucket',
  rawKey: 'uploads/civil-affairs/subsidy_payments/一月.csv',
  fileHash: 'cd'.repeat(32),
  size: 10,
  receivedAt: '2024-02-01T00:00:00Z',
  registeredAt: '2024-02-01T00:00:01.000Z',
  status: 'active',
  shardRows: [1],
  coverage: [],
  history: [{ at: '2024-02-01T00:00:01.000Z', action: 'registered', by: 'civil-affairs' }],
};

const replace = (v: DatasetVersion): DatasetVersion | undefined =>
  v.status === 'active'
    ? {
        ...v,
        status: 'replaced',
        replacedBy: 'v-2',
        history: [...v.history, { at: '2024-03-01T00:00:00.000Z', action: 'replaced', by: 'system' }],
      }
    : undefined;

async function stored(): Promise<{ versions: MemoryVersions; read: DatasetVersion }> {
  const versions = new MemoryVersions();
  await versions.create(V);
  return { versions, read: (await versions.get(V.versionId)) as DatasetVersion };
}

describe('changeVersion', () => {
  it('stores the change and returns it with the next revision', async () => {
    const { versions, read } = await stored();
    const saved = await changeVersion(versions, read, replace);
    expect(saved).toMatchObject({ status: 'replaced', revision: 1 });
    expect(await versions.get(V.versionId)).toEqual(saved);
  });

  it('keeps a withdrawal that landed after the read and writes nothing', async () => {
    const { versions, read } = await stored();
    await versions.save({ ...read, status: 'withdrawn', statusReason: '名单有误' });
    expect(await changeVersion(versions, read, replace)).toBeUndefined();
    expect(await versions.get(V.versionId)).toMatchObject({ status: 'withdrawn', revision: 1 });
  });

  it('applies the change on top of a note that landed after the read', async () => {
    const { versions, read } = await stored();
    const note = { at: '2024-02-15T00:00:00.000Z', action: 'replacement_requested', by: 'u-civil' } as const;
    await versions.save({ ...read, history: [...read.history, note] });
    const saved = await changeVersion(versions, read, replace);
    expect(saved?.revision).toBe(2);
    expect(saved?.history.map((h) => h.action)).toEqual(['registered', 'replacement_requested', 'replaced']);
  });

  it('gives up with the conflict when the version keeps changing', async () => {
    const { versions, read } = await stored();
    let bumps = 0;
    const busy = (v: DatasetVersion) => {
      // Someone else writes between every read and write.
      void versions.save({ ...v, size: v.size + ++bumps });
      return replace(v);
    };
    await expect(changeVersion(versions, read, busy)).rejects.toThrow(RevisionConflictError);
    expect(await versions.get(V.versionId)).toMatchObject({ status: 'active' });
  });
});
