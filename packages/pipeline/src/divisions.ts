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
 * The county's townships and villages from the `divisions` versions in force, so uploads can
 * give them by name or code. Built once per container and rebuilt only when another divisions
 * version comes into force (version ids derive from the bytes, so the key is the content).
 * `undefined` while no divisions were uploaded: names are then only normalized.
 */
export async function divisionIndexFor(deps: DivisionDeps): Promise<DivisionIndex | undefined> {
  const inForce = versionsInForce(await deps.versions.listOfKind('divisions'));
  if (inForce.length === 0) return undefined;
  const key = inForce.map((v) => v.versionId).join(',');
  if (divisionCache?.key === key) return divisionCache.index;
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
  return index;
}
