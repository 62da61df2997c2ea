/**
 * The benchmark county on disk: written once per (persons, seed, months) by the demo
 * generator's own CLI (`npm run demo -- --out`) into a git-ignored folder and reused, since a
 * million-person county takes minutes to generate and the generator is deterministic.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoy, ExpectedLead } from '@jiandu/demo';
import { main as writeDemoCounty } from '@jiandu/demo/cli';

// Bump when the generator's output changes in a way the cache key does not show.
const CACHE_VERSION = 2;
const COMPLETE = '.complete';

/** What to generate. */
export interface CountySpec {
  readonly persons: number;
  readonly seed?: number;
  readonly months?: number;
}

/** A generated county on disk. */
export interface CachedCounty {
  /** `{department}/{kind}/<files>`, what `npm run cli -- upload` takes. */
  readonly uploadFolder: string;
  /** The generator's truth file (kept outside the upload folder). */
  readonly truthFile: string;
  readonly countyName: string;
  readonly stats: { readonly persons: number; readonly households: number; readonly payments: number };
  readonly files: readonly { readonly key: string; readonly bytes: number }[];
  readonly expected: readonly ExpectedLead[];
  /** What looks like a lead but must not become one. */
  readonly decoys: readonly Decoy[];
  /** Whether this run generated it (false: found in the cache). */
  readonly generated: boolean;
  /** Seconds generation took (0 from the cache). */
  readonly generateSeconds: number;
}

/** The cache folder of a spec. */
export function countyFolder(cacheDir: string, spec: CountySpec): string {
  return join(
    cacheDir,
    `county-p${spec.persons}-s${spec.seed ?? 'default'}-m${spec.months ?? 'default'}-v${CACHE_VERSION}`,
  );
}

/** The county of `spec` from the cache, generated into it first when missing or incomplete. */
export function cachedCounty(cacheDir: string, spec: CountySpec): CachedCounty {
  const folder = countyFolder(cacheDir, spec);
  let generated = false;
  let generateSeconds = 0;
  if (!existsSync(join(folder, COMPLETE))) {
    const partial = `${folder}.partial`;
    rmSync(partial, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
    const started = performance.now();
    const args = ['--out', join(partial, 'upload'), '--persons', String(spec.persons)];
    if (spec.seed !== undefined) args.push('--seed', String(spec.seed));
    if (spec.months !== undefined) args.push('--months', String(spec.months));
    const code = writeDemoCounty(args);
    if (code !== 0) throw new Error(`the demo generator exited with ${code}`);
    // The truth beside the upload folder, not in it: the CLI would skip it, but it is no department's file.
    renameSync(join(partial, 'upload', 'truth.json'), join(partial, 'truth.json'));
    writeFileSync(join(partial, COMPLETE), '');
    renameSync(partial, folder);
    generated = true;
    generateSeconds = (performance.now() - started) / 1000;
  }
  const truthFile = join(folder, 'truth.json');
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as {
    countyName: string;
    stats: CachedCounty['stats'];
    files: CachedCounty['files'];
    leads: ExpectedLead[];
    decoys?: Decoy[];
  };
  return {
    uploadFolder: join(folder, 'upload'),
    truthFile,
    countyName: truth.countyName,
    stats: truth.stats,
    files: truth.files,
    expected: truth.leads,
    decoys: truth.decoys ?? [],
    generated,
    generateSeconds,
  };
}
