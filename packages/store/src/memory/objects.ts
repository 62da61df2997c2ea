import { createHash } from 'node:crypto';
import { ObjectChangedError, type ObjectStore, type UploadUrlSigner } from '@jiandu/domain/ports';

/** An S3-like ETag: quoted MD5 of the bytes. */
function memoryEtag(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** Buckets in memory, keyed `{bucket}/{key}`; streams deliver small chunks, as a network would. */
export class MemoryObjects implements ObjectStore {
  /** The stored objects by `{bucket}/{key}`, for tests to seed and inspect. */
  readonly items = new Map<string, Uint8Array>();

  async *stream(bucket: string, key: string, ifMatch?: string): AsyncIterable<Uint8Array> {
    const bytes = this.items.get(`${bucket}/${key}`);
    if (!bytes) throw Object.assign(new Error(`NoSuchKey ${key}`), { name: 'NoSuchKey' });
    if (ifMatch !== undefined && ifMatch !== memoryEtag(bytes)) throw new ObjectChangedError(bucket, key);
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  }

  async getBytes(bucket: string, key: string) {
    return this.items.get(`${bucket}/${key}`);
  }

  async exists(bucket: string, key: string) {
    return this.items.has(`${bucket}/${key}`);
  }

  async etag(bucket: string, key: string) {
    const bytes = this.items.get(`${bucket}/${key}`);
    return bytes && memoryEtag(bytes);
  }

  async put(bucket: string, key: string, body: Uint8Array | string) {
    this.items.set(`${bucket}/${key}`, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  /** Every stored `{bucket}/{key}` starting with `prefix`, sorted. */
  keys(prefix = ''): string[] {
    return [...this.items.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

/** Signs nothing: returns a recognizable URL holding the key, and remembers what it signed. */
export class MemoryUploadSigner implements UploadUrlSigner {
  readonly signed: { key: string; expiresInSeconds: number }[] = [];

  async presignPut(key: string, expiresInSeconds: number) {
    this.signed.push({ key, expiresInSeconds });
    return `https://uploads.example.test/${encodeURI(key)}?X-Amz-Expires=${expiresInSeconds}`;
  }
}
