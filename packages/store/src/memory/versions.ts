import type { UploadRequest } from '@jiandu/domain/datasets/corrections';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { RevisionConflictError, type VersionRepository } from '@jiandu/domain/ports';
import type { DatasetVersion } from '@jiandu/domain/versions';
import { byKey, clone } from './support.js';

/** Index order of versions: receive time, then id (`keys.versionIndexes`). */
const byReceived = byKey((v: DatasetVersion) => `${v.receivedAt}#${v.versionId}`);

/** Dataset versions and upload requests in memory (tests and local experiments). */
export class MemoryVersions implements VersionRepository {
  /** The stored versions by id, for tests to seed and inspect. */
  readonly items = new Map<string, DatasetVersion>();
  readonly #uploadRequests = new Map<string, UploadRequest>();

  async get(id: string) {
    const v = this.items.get(id);
    return v && clone(v);
  }

  async create(v: DatasetVersion) {
    if (this.items.has(v.versionId)) return false;
    this.items.set(v.versionId, clone(v));
    return true;
  }

  async save(v: DatasetVersion) {
    const expected = v.revision ?? 0;
    const stored = this.items.get(v.versionId);
    if (!stored || (stored.revision ?? 0) !== expected)
      throw new RevisionConflictError(v.versionId, 'Version');
    const saved: DatasetVersion = { ...clone(v), revision: expected + 1 };
    this.items.set(v.versionId, saved);
    return clone(saved);
  }

  async listOfDataset(department: string, kind: DatasetKind) {
    return [...this.items.values()]
      .filter((v) => v.department === department && v.kind === kind)
      .sort(byReceived)
      .map(clone);
  }

  async listOfKind(kind: DatasetKind) {
    return [...this.items.values()]
      .filter((v) => v.kind === kind)
      .sort(byReceived)
      .map(clone);
  }

  async recordUploadRequest(request: UploadRequest) {
    const id = `${request.key}|${request.requestedAt}|${request.requestId}`;
    if (this.#uploadRequests.has(id)) throw new Error(`Upload request ${request.requestId} already exists`);
    this.#uploadRequests.set(id, clone(request));
  }

  async latestUploadRequest(key: string, notAfter: string) {
    const found = [...this.#uploadRequests.values()]
      .filter((r) => r.key === key && r.requestedAt <= notAfter)
      .sort(byKey((r) => `${r.requestedAt}#${r.requestId}`))
      .pop();
    return found && clone(found);
  }
}
