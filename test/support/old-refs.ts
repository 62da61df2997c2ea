import { type DisclosedPayment, paymentContent, refOf } from '@jiandu/domain/disclosure/records';
import type { ObjectStore } from '@jiandu/domain/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { decodeRows, SHARD_COUNT, shardKey } from '@jiandu/pipeline/shards';
import { groupId, paymentId } from '@jiandu/store/disclosure-packing';

/**
 * The refs an earlier version gave payment records, by the row they came from: `department`
 * (`{department}|{sheet}|{row}`) or `version` (`{versionId}|{sheet}|{row}`). Answers, for a
 * record as projected now (a page's or a person bucket's), the ref it had then: each record is
 * matched to a row of `versions` that discloses the same (rows are read from the stored
 * shards; identical rows are paired in any order, each used once, as their row numbers differ
 * anyway), the same record in a page and a bucket to the same row.
 */
export async function rowRefs(
  objects: ObjectStore,
  dataBucket: string,
  versions: readonly DatasetVersion[],
  scheme: 'department' | 'version',
): Promise<(p: DisclosedPayment) => string> {
  const key = (p: Omit<DisclosedPayment, 'ref'>) =>
    `${groupId(p)}|${p.name}|${p.amount}|${p.payDate}|${p.programName}`;
  const rows = new Map<string, string[]>();
  for (const v of versions)
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const bytes = await objects.getBytes(dataBucket, shardKey(v.versionId, shard));
      if (!bytes) continue;
      for (const row of decodeRows(Buffer.from(bytes).toString('utf8'))) {
        const content = paymentContent(row);
        if (!content) continue;
        const refs = rows.get(key(content)) ?? [];
        refs.push(refOf(scheme === 'department' ? v.department : v.versionId, row));
        rows.set(key(content), refs);
      }
    }
  const given = new Map<string, string>();
  return (p) => {
    let ref = given.get(paymentId(p));
    if (ref === undefined) {
      ref = rows.get(key(p))?.shift();
      if (ref === undefined) throw new Error(`no row left for ${paymentId(p)}`);
      given.set(paymentId(p), ref);
    }
    return ref;
  };
}
