import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { inUploadOrder } from '@jiandu/domain/kinds';

/** One file of the generated demo county, as `@jiandu/demo`'s `generateDemoCounty()` returns it. */
export interface DemoFile {
  readonly department: string;
  readonly kind: string;
  readonly fileName: string;
  readonly body: Uint8Array;
}

/** Produces the demo county's files. */
export type DemoGenerator = () => Promise<{ files: readonly DemoFile[] }> | { files: readonly DemoFile[] };

/** Written into the data folder once the demo county has been uploaded, so later starts don't re-upload it. */
export const DEMO_MARKER = 'demo-seeded.json';

/** The files in upload order (the kinds' upload rank: reference data first, so it is ingested first); files of one kind as generated. */
export function orderDemoFiles(files: readonly DemoFile[]): DemoFile[] {
  return inUploadOrder(files);
}

/** The upload key a department's file lands under (CONTRACT.md §1). */
export function uploadKey(file: DemoFile): string {
  return `uploads/${file.department}/${file.kind}/${file.fileName}`;
}

function contentType(fileName: string): string {
  if (fileName.toLowerCase().endsWith('.xlsx')) {
    return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  }
  return 'text/csv';
}

/** Load `generateDemoCounty` from `@jiandu/demo`, checking it is there. */
export async function loadDemoGenerator(): Promise<DemoGenerator> {
  // Resolved at run time: the demo package is optional for the platform itself.
  const specifier = '@jiandu/demo';
  const module = (await import(specifier)) as { generateDemoCounty?: unknown };
  if (typeof module.generateDemoCounty !== 'function') {
    throw new Error(`${specifier} does not export generateDemoCounty()`);
  }
  return module.generateDemoCounty as DemoGenerator;
}

/**
 * Upload the demo county into the upload bucket the way departments would (so the normal
 * S3 event path ingests it), unless the data folder's marker says it was done before.
 */
export async function seedDemoCounty(options: {
  s3: S3Client;
  bucket: string;
  dataDir: string;
  generate: DemoGenerator;
  log: (line: string) => void;
}): Promise<{ seeded: boolean; files: number }> {
  const marker = join(options.dataDir, DEMO_MARKER);
  if (existsSync(marker)) return { seeded: false, files: 0 };
  const { files } = await options.generate();
  const ordered = orderDemoFiles(files);
  for (const file of ordered) {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: uploadKey(file),
        Body: file.body,
        ContentType: contentType(file.fileName),
      }),
    );
  }
  await writeFile(
    marker,
    `${JSON.stringify({ seededAt: new Date().toISOString(), keys: ordered.map(uploadKey) }, null, 2)}\n`,
  );
  options.log(`[demo] uploaded ${ordered.length} demo county files to s3://${options.bucket}/uploads/`);
  return { seeded: true, files: ordered.length };
}
