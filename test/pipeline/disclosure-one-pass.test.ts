/**
 * The disclosure sync counts totals and finds the lookup index's persons on two paths: a sync
 * that counts every `(year, shard)` part (the first sync, a new registry) does it in the one pass
 * that projects the payments, reading each payment row and the registry once; a later sync
 * counts only the parts its changed rows touch, reading those shards again. Whichever path
 * counted them, a county's projections — payment pages, person buckets (lost-ID payments filed
 * under the registry's one person of that name in that village), lookup index, totals, the
 * other kinds — and the sync's own totals parts are the same.
 */
import { type DemoFile, demoFilesInUploadOrder, demoUploadKey, generateDemoCounty } from '@jiandu/demo';
import { DEFAULT_DISCLOSURE_CONFIG } from '@jiandu/domain/disclosure/config';
import { syncDisclosure } from '@jiandu/pipeline';
import { MemoryDisclosureStore } from '@jiandu/store/memory';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEYS } from '../support/trust.js';
import { DATA, memoryPipeline } from '../support/workflow.js';

// Fourteen months: payments of two years, so each sync counts parts of both.
const county = generateDemoCounty({ persons: 1200, seed: 23, months: 14 });
const files = demoFilesInUploadOrder(county.files);
const isPayments = (f: DemoFile) => f.kind === 'subsidy_payments';
const isRegistry = (f: DemoFile) => f.kind === 'household_registry';

/** A county in memory whose files arrive in `batches`, the sync run after each batch. */
async function loaded(batches: readonly (readonly DemoFile[])[]) {
  const clock = { now: '2024-03-20T00:00:00.000Z' };
  const store = new MemoryDisclosureStore();
  const p = memoryPipeline(clock, { disclosure: store, disclosureConfig: DEFAULT_DISCLOSURE_CONFIG });
  const summaries = [];
  for (const batch of batches) {
    for (const file of batch) await p.deliver(demoUploadKey(file), file.body);
    summaries.push(
      await syncDisclosure({
        ...p.deps,
        disclosure: store,
        disclosureConfig: DEFAULT_DISCLOSURE_CONFIG,
        lookupKey: TEST_KEYS.lookup,
      }),
    );
  }
  const sorted = <V>(map: ReadonlyMap<string, V>) =>
    [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // The shards' parts as written; a year's sum (updated part by part) as its set of cells.
  const parts = [...p.deps.objects.items]
    .filter(([key]) => key.startsWith(`${DATA}/disclosure/totals/`))
    .map(([key, bytes]): [string, string | string[]] => {
      const text = new TextDecoder().decode(bytes);
      if (!key.endsWith('/sum.json')) return [key, text];
      const { cells } = JSON.parse(text) as { cells: unknown[] };
      return [key, cells.map((c) => JSON.stringify(c)).sort()];
    });
  return {
    summaries,
    store,
    projections: {
      records: sorted(new Map([...store.records].map(([kind, records]) => [kind, sorted(records)]))),
      pages: sorted(store.pages),
      persons: sorted(store.personBuckets),
      lookups: sorted(store.lookupBuckets),
      totals: sorted(store.totalsCells),
      units: sorted(store.unitItems),
    },
    parts: sorted(new Map(parts)),
  };
}

describe('the disclosure sync, whichever path counts the totals', () => {
  let once: Awaited<ReturnType<typeof loaded>>;
  let paymentsLater: Awaited<ReturnType<typeof loaded>>;
  let registryLast: Awaited<ReturnType<typeof loaded>>;

  beforeAll(async () => {
    const payments = files.filter(isPayments);
    const half = Math.ceil(payments.length / 2);
    // Every file, one sync: every part counted in the pass that projects the payments.
    once = await loaded([files]);
    // Half the payments, then the rest: the second sync counts only the parts the new rows touch.
    paymentsLater = await loaded([
      [...files.filter((f) => !isPayments(f)), ...payments.slice(0, half)],
      payments.slice(half),
    ]);
    // The registry last: its sync counts every part again and moves lost-ID payments to their persons.
    registryLast = await loaded([files.filter((f) => !isRegistry(f)), files.filter(isRegistry)]);
  }, 240_000);

  it('counted every part once in one sync, and only some parts in a later one', () => {
    expect(once.summaries[0]).toMatchObject({ totalsCounted: 32, lookupsRebuilt: true });
    const later = paymentsLater.summaries[1];
    expect(later?.totalsCounted).toBeGreaterThan(0);
    expect(later?.paymentsWritten).toBeGreaterThan(0);
    expect(registryLast.summaries[1]).toMatchObject({
      totalsCounted: 32,
      lookupsRebuilt: true,
      paymentsWritten: 0,
    });
  });

  it('files lost-ID payments under their persons and indexes paid persons for the lookup', async () => {
    const filed = await once.store.paymentsOfPersons([...once.store.lookups.values()].map((e) => e.person));
    const pages = once.store.allPayments();
    expect(pages.length).toBeGreaterThan(1000);
    // Pages carry no person for a lost-ID row; the person buckets hold it under the one registered namesake.
    const lostInPages = pages.filter((p) => p.person === undefined);
    expect(lostInPages.length).toBeGreaterThan(0);
    const refs = new Set(filed.map((p) => `${p.period}|${p.ref}`));
    expect(lostInPages.some((p) => refs.has(`${p.period}|${p.ref}`))).toBe(true);
  });

  it('projects the same items and keeps the same totals parts as one sync of every file', () => {
    expect(paymentsLater.projections).toEqual(once.projections);
    expect(paymentsLater.parts).toEqual(once.parts);
    expect(registryLast.projections).toEqual(once.projections);
    expect(registryLast.parts).toEqual(once.parts);
  });
});
