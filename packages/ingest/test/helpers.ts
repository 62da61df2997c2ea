import type { DatasetKind } from '@jiandu/domain/kinds';
import type { NormalizedRow, RejectedRow } from '@jiandu/domain/model';
import { checkCharacter } from '@jiandu/domain/normalize/id';
import { type IngestOptions, type IngestResult, ingestFile } from '@jiandu/ingest';

/** A valid 18-digit ID from its first 17 digits. */
export function id(first17: string): string {
  return first17 + checkCharacter(first17);
}

/** Everything an ingest produced. */
export interface Collected {
  readonly accepted: NormalizedRow[];
  readonly rejected: RejectedRow[];
  readonly result: IngestResult;
}

/** Ingest a body and collect the sink's rows. */
export async function collect(
  kind: DatasetKind,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  fileName = 'upload.csv',
  options: IngestOptions = {},
): Promise<Collected> {
  const accepted: NormalizedRow[] = [];
  const rejected: RejectedRow[] = [];
  const result = await ingestFile(
    kind,
    { fileName, body },
    {
      accept: (row) => {
        accepted.push(row);
      },
      reject: (row) => {
        rejected.push(row);
      },
    },
    options,
  );
  return { accepted, rejected, result };
}

/** A body delivered in chunks of `size` bytes, as S3 streams it (cuts through characters). */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
