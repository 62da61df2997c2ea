/**
 * A file's townships and villages are resolved against the divisions in force when it is read,
 * and a county's files are read side by side (S3 events also arrive out of order): what its
 * rows say must not depend on whether the divisions file was read first. Through the real ASL
 * with the real tasks on in-memory ports.
 */

import { type DemoFile, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import { restoreVersion, withdrawVersion } from '@jiandu/domain/datasets/corrections';
import { PLACES_REQUEST } from '@jiandu/domain/kinds';
import type { Lead } from '@jiandu/domain/model';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { TransientError } from '@jiandu/pipeline/transient';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionReset } from '../support/faults.js';
import { DATA, memoryPipeline } from '../support/workflow.js';

const county = generateDemoCounty({ persons: 300, seed: 23, months: 1 });
const files = demoFilesInUploadOrder(county.files);
const divisionsFile = files.find((f) => f.kind === 'divisions') as DemoFile;
const others = files.filter((f) => f !== divisionsFile);
const registry = others.find((f) => f.kind === 'household_registry') as DemoFile;

type Pipeline = ReturnType<typeof memoryPipeline>;

/** Every stored shard and rejects file, by key. */
function dataObjects(p: Pipeline): Map<string, string> {
  const decoder = new TextDecoder();
  return new Map(
    [...p.deps.objects.items]
      .filter(([key]) => key.startsWith(`${DATA}/versions/`))
      .map(([key, bytes]) => [key, decoder.decode(bytes)]),
  );
}

/** A version without what differs with the order it was read in (its history, revision, times). */
function comparableVersion(v: DatasetVersion): Record<string, unknown> {
  const { history, revision, registeredAt, ...rest } = v;
  return rest;
}

function comparableLead(lead: Lead): Record<string, unknown> {
  const { lastRunId, revision, history, updatedAt, ...rest } = lead;
  return rest;
}

async function versionsOf(p: Pipeline): Promise<DatasetVersion[]> {
  return [...p.deps.versions.items.values()].sort((a, b) => a.versionId.localeCompare(b.versionId));
}

const leadsOf = (p: Pipeline) =>
  [...p.deps.leads.items.values()]
    .map(comparableLead)
    .sort((a, b) => String(a.leadId).localeCompare(String(b.leadId)));

/**
 * Deliver `file` so that its Normalize looks the divisions up before it reads (none yet) and,
 * while it reads, the divisions upload is read and registered in full; its output.
 */
async function readWhileDivisionsArrive(p: Pipeline, file: DemoFile): Promise<Record<string, unknown>> {
  await p.deps.objects.put('uploads-bucket', demoUploadKey(file), file.body);
  const objects = p.deps.objects;
  const stream = objects.stream.bind(objects);
  let divisionsRead: Promise<unknown> | undefined;
  objects.stream = (bucket, key, ifMatch) => {
    const inner = stream(bucket, key, ifMatch);
    if (key !== demoUploadKey(file) || divisionsRead) return inner;
    divisionsRead = p.deliver(demoUploadKey(divisionsFile), divisionsFile.body);
    const started = divisionsRead;
    return (async function* () {
      await started;
      yield* inner;
    })();
  };
  const output = await p.deliver(demoUploadKey(file), file.body);
  await divisionsRead;
  return output;
}

describe('divisions read after the files that name their places', () => {
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const first = memoryPipeline(clock);
  const last = memoryPipeline(clock);
  const deliver = (p: Pipeline, file: DemoFile) => p.deliver(demoUploadKey(file), file.body);
  let divisionsOutput: Record<string, unknown> = {};

  beforeAll(async () => {
    // As the upload order has it: divisions first.
    for (const file of files) await deliver(first, file);
    await first.complete();
    // Divisions last: every other file was read without them.
    for (const file of others) await deliver(last, file);
    divisionsOutput = await deliver(last, divisionsFile);
    await last.complete();
  }, 120_000);

  it('stores the same rows, versions and leads as when the divisions came first', async () => {
    expect(dataObjects(last)).toEqual(dataObjects(first));
    expect((await versionsOf(last)).map(comparableVersion)).toEqual(
      (await versionsOf(first)).map(comparableVersion),
    );
    expect(leadsOf(last).length).toBeGreaterThan(0);
    expect(leadsOf(last)).toEqual(leadsOf(first));
  });

  it('reads the others again, says so in their history, and marks their kinds pending', async () => {
    const divisions = [...last.deps.versions.items.values()].find((v) => v.kind === 'divisions');
    const placed = [...last.deps.versions.items.values()].filter((v) =>
      ['household_registry', 'subsidy_payments', 'village_finance'].includes(v.kind),
    );
    expect(placed.length).toBeGreaterThan(2);
    for (const v of placed) {
      expect(v.divisions).toBe(divisions?.versionId);
      expect(v.history.at(-1)).toMatchObject({ action: 'resolved', by: 'system' });
    }
    // Files read with the divisions in force never are.
    for (const v of first.deps.versions.items.values())
      expect(v.history.some((e) => e.action === 'resolved')).toBe(false);
    const pending = divisionsOutput.pending as { kinds: string[] };
    expect(pending.kinds).toEqual(
      expect.arrayContaining(['divisions', ...new Set(placed.map((v) => v.kind))]),
    );
  });
});

describe('divisions coming into force while a file is read', () => {
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const first = memoryPipeline(clock);
  const raced = memoryPipeline(clock);
  let registryOutput: Record<string, unknown> = {};

  beforeAll(async () => {
    for (const file of [divisionsFile, registry]) await first.deliver(demoUploadKey(file), file.body);
    registryOutput = await readWhileDivisionsArrive(raced, registry);
  }, 60_000);

  it('reads the file again once it is registered, under the divisions in force', async () => {
    expect(dataObjects(raced)).toEqual(dataObjects(first));
    const version = [...raced.deps.versions.items.values()].find((v) => v.kind === 'household_registry');
    expect(version?.divisions).toMatch(/^v-/);
    expect(version?.history.map((e) => e.action)).toEqual(['registered', 'resolved']);
    expect(registryOutput).toMatchObject({
      version: { outcome: 'registered', kinds: ['household_registry'] },
    });
  });
});

describe('divisions coming into force while a file is read, and its read again failing once', () => {
  // The file is registered as read (without the divisions) and the divisions' Normalize, done
  // before that, did not see it; its own read again meets a transient fault. The retry finds
  // the bytes registered — a duplicate — and must still read them again under the divisions.
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const first = memoryPipeline(clock);
  const raced = memoryPipeline(clock);
  let registryOutput: Record<string, unknown> = {};
  let faults = 0;

  beforeAll(async () => {
    for (const file of [divisionsFile, registry]) await first.deliver(demoUploadKey(file), file.body);
    // The read again looks the department's column mapping up first: it fails there, once.
    const mappings = raced.deps.columnMappings;
    const get = mappings.get.bind(mappings);
    mappings.get = async (department, kind) => {
      const registered = [...raced.deps.versions.items.values()].some((v) => v.kind === registry.kind);
      if (kind === registry.kind && registered && faults === 0) {
        faults += 1;
        throw new TransientError(connectionReset());
      }
      return get(department, kind);
    };
    registryOutput = await readWhileDivisionsArrive(raced, registry);
  }, 60_000);

  it('reads the file again under the divisions on the retry, and marks its kind pending', async () => {
    expect(faults).toBe(1);
    expect(registryOutput).toMatchObject({ version: { outcome: 'duplicate', kind: 'household_registry' } });
    expect(dataObjects(raced)).toEqual(dataObjects(first));
    const version = [...raced.deps.versions.items.values()].find((v) => v.kind === 'household_registry');
    expect(version?.divisions).toMatch(/^v-/);
    expect(version?.history.map((e) => e.action)).toEqual(['registered', 'resolved']);
    expect((await raced.deps.pending.get())?.kinds).toContain('household_registry');
  });
});

describe('a file whose upload key holds other bytes by the time divisions come', () => {
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);
  let before: DatasetVersion | undefined;

  beforeAll(async () => {
    await p.deliver(demoUploadKey(registry), registry.body);
    before = [...p.deps.versions.items.values()].find((v) => v.kind === 'household_registry');
    // Overwritten without an event (yet): its bytes are not the version's any more.
    await p.deps.objects.put('uploads-bucket', demoUploadKey(registry), `${registry.body}\n`);
    await p.deliver(demoUploadKey(divisionsFile), divisionsFile.body);
  }, 60_000);

  it('is left as it was read, not read from the other bytes', () => {
    const after = p.deps.versions.items.get(before?.versionId ?? '');
    expect(before).toBeDefined();
    expect(after).toEqual(before);
    expect(after?.divisions).toBeUndefined();
  });

  it('is read once its bytes are back and the divisions upload is seen again', async () => {
    await p.deps.objects.put('uploads-bucket', demoUploadKey(registry), registry.body);
    await p.deps.pending.claim((await p.deps.pending.get())?.revision ?? 0);
    const output = await p.deliver(demoUploadKey(divisionsFile), divisionsFile.body);
    expect(output).toMatchObject({ version: { outcome: 'duplicate', kind: 'divisions' } });
    const after = p.deps.versions.items.get(before?.versionId ?? '');
    expect(after?.divisions).toMatch(/^v-/);
    expect(after?.history.at(-1)?.action).toBe('resolved');
    // Its rules run again: the kind is pending, though the workflow ended without RecordPending.
    expect((await p.deps.pending.get())?.kinds).toEqual(['household_registry']);
  });
});

describe('divisions withdrawn and restored through the API', () => {
  const clock = { now: '2023-03-01T00:00:00.000Z' };
  const p = memoryPipeline(clock);
  const never = memoryPipeline(clock);
  /** The stored rows of every version but the divisions' own. */
  const placed = (q: Pipeline) => {
    const divisions = [...q.deps.versions.items.values()].filter((v) => v.kind === 'divisions');
    return new Map([...dataObjects(q)].filter(([key]) => !divisions.some((v) => key.includes(v.versionId))));
  };
  /** The ids of the leads standing (not superseded). */
  const standing = (q: Pipeline) =>
    [...q.deps.leads.items.values()]
      .filter((l) => l.status !== 'superseded')
      .map((l) => l.leadId)
      .sort();
  let withDivisions = new Map<string, string>();
  let withDivisionsLeads: string[] = [];
  let divisions: DatasetVersion;

  beforeAll(async () => {
    for (const file of files) await p.deliver(demoUploadKey(file), file.body);
    await p.complete();
    for (const file of others) await never.deliver(demoUploadKey(file), file.body);
    await never.complete();
    withDivisions = placed(p);
    withDivisionsLeads = standing(p);
    divisions = [...p.deps.versions.items.values()].find((v) => v.kind === 'divisions') as DatasetVersion;
  }, 120_000);

  const changed = () =>
    p.request(PLACES_REQUEST, {
      versionId: divisions.versionId,
      kind: 'divisions',
      department: 'civil-affairs',
    });

  it('reads the files again without them once withdrawn, and their rules run', async () => {
    clock.now = '2023-03-02T00:00:00.000Z';
    await p.deps.versions.save(withdrawVersion(divisions, { subject: 'u-civil' }, '区划有误', clock.now));
    const output = await changed();
    expect(output).toHaveProperty('runId');
    expect(placed(p)).toEqual(placed(never));
    expect(placed(p)).not.toEqual(withDivisions);
    for (const v of p.deps.versions.items.values()) {
      if (v.kind === 'divisions' || v.status !== 'active') continue;
      expect(v.divisions).toBeUndefined();
    }
    expect(standing(p)).toEqual(standing(never));
    // Nothing is left pending: the collision covered what was read again.
    expect(await p.deps.pending.get()).toBeUndefined();
  });

  it('reads them again under the divisions once restored', async () => {
    clock.now = '2023-03-03T00:00:00.000Z';
    const current = p.deps.versions.items.get(divisions.versionId) as DatasetVersion;
    await p.deps.versions.save(restoreVersion(current, { subject: 'u-civil' }, '核对无误', clock.now));
    await changed();
    expect(placed(p)).toEqual(withDivisions);
    expect(standing(p)).toEqual(withDivisionsLeads);
    const registry = [...p.deps.versions.items.values()].find((v) => v.kind === 'household_registry');
    expect(registry?.history.map((e) => e.action)).toEqual(['registered', 'resolved', 'resolved']);
  });

  it('reads nothing when asked again with nothing changed', async () => {
    const before = [...p.deps.versions.items.values()];
    const output = await changed();
    expect([...p.deps.versions.items.values()]).toEqual(before);
    // Only `divisions` was marked: its rules ran, nothing else was read.
    expect(output).toHaveProperty('runId');
  });
});
