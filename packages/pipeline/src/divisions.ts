import type { NormalizedRow } from '@jiandu/domain/model';
import { DivisionIndex } from '@jiandu/domain/normalize/division';
import type { PipelineDeps } from './deps.js';
import { versionsInForce } from './manifest.js';
import { decodeRows, shardKey } from './shards.js';

/** What loading the divisions needs (the API has these too, without the workflow's settings). */
export type DivisionDeps = Pick<PipelineDeps, 'versions' | 'objects' | 'buckets' | 'log'>;

/** The divisions index of this container, and the versions it was built from. */
let divisionCache: { readonly key: string; readonly index: DivisionIndex } | undefined;

/**
 * The divisions in force as a key: their version ids, comma-joined (`''` while none were
 * uploaded). Version ids derive from the bytes, so equal keys mean equal divisions; a version
 * records the key its places were resolved with (`DatasetVersion.divisions`).
 */
export async function divisionsKey(deps: Pick<DivisionDeps, 'versions'>): Promise<string> {
  return keyOf(versionsInForce(await deps.versions.listOfKind('divisions')));
}

function keyOf(inForce: readonly { readonly versionId: string }[]): string {
  return inForce.map((v) => v.versionId).join(',');
}

/**
 * The county's townships and villages from the `divisions` versions in force, so uploads can
 * give them by name or code, with their {@link divisionsKey}. Built once per container and
 * rebuilt only when another divisions version comes into force. No index while no divisions
 * were uploaded: names are then only normalized.
 */
export async function divisionsInForce(
  deps: DivisionDeps,
): Promise<{ readonly key: string; readonly index?: DivisionIndex }> {
  const inForce = versionsInForce(await deps.versions.listOfKind('divisions'));
  if (inForce.length === 0) return { key: '' };
  const key = keyOf(inForce);
  if (divisionCache?.key === key) return divisionCache;
  const rows: NormalizedRow[] = [];
  for (const version of inForce) {
    for (let shard = 0; shard < version.shardRows.length; shard++) {
      if (!version.shardRows[shard]) continue;
      const bytes = await deps.objects.getBytes(deps.buckets.data, shardKey(version.versionId, shard));
      if (!bytes) throw new Error(`Shard ${shard} of divisions version ${version.versionId} is missing`);
      rows.push(...decodeRows(new TextDecoder().decode(bytes)));
    }
  }
  const index = DivisionIndex.fromRows(rows);
  divisionCache = { key, index };
  deps.log.info('divisions index built', { versions: inForce.length, divisions: index.size });
  return divisionCache;
}

/** The index of {@link divisionsInForce}; `undefined` while no divisions were uploaded. */
export async function divisionIndexFor(deps: DivisionDeps): Promise<DivisionIndex | undefined> {
  return (await divisionsInForce(deps)).index;
}
