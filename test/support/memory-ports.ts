/**
 * In-memory implementations of the storage ports, for unit tests only (the running
 * product always uses DynamoDB/S3 or their local emulators).
 */
import type { DatasetKind } from '@jiandu/domain/kinds';
import type { Lead } from '@jiandu/domain/model';
import {
  type LeadQuery,
  type LeadRepository,
  type ObjectStore,
  type Page,
  RevisionConflictError,
  type RunRepository,
  type VersionRepository,
} from '@jiandu/domain/ports';
import { type CollisionRun, type DatasetVersion, versionOrder } from '@jiandu/domain/versions';

const clone = <T>(v: T): T => structuredClone(v);
const byReceived = (a: DatasetVersion, b: DatasetVersion) => versionOrder(a).localeCompare(versionOrder(b));

export class MemoryVersions implements VersionRepository {
  readonly items = new Map<string, DatasetVersion>();
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
    this.items.set(v.versionId, clone(v));
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
}

export class MemoryLeads implements LeadRepository {
  readonly items = new Map<string, Lead>();
  async get(id: string) {
    const l = this.items.get(id);
    return l && clone(l);
  }
  async getMany(ids: readonly string[]) {
    const m = new Map<string, Lead>();
    for (const id of ids) {
      const l = this.items.get(id);
      if (l) m.set(id, clone(l));
    }
    return m;
  }
  async put(lead: Lead, expectedRevision: number) {
    const current = this.items.get(lead.leadId);
    if ((current?.revision ?? 0) !== expectedRevision) throw new RevisionConflictError(lead.leadId);
    this.items.set(lead.leadId, clone(lead));
  }
  async list(q: LeadQuery): Promise<Page<Lead>> {
    const all = [...this.items.values()]
      .filter((l) => (!q.rule || l.rule === q.rule) && (!q.status || l.status === q.status))
      .filter((l) => !q.township || l.township === q.township)
      .sort((a, b) => `${b.createdAt}#${b.leadId}`.localeCompare(`${a.createdAt}#${a.leadId}`));
    const start = q.cursor ? Number(q.cursor) : 0;
    const limit = q.limit ?? 50;
    const items = all.slice(start, start + limit).map(clone);
    return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
  }
  async listOfRule(rule: string) {
    return [...this.items.values()].filter((l) => l.rule === rule).map(clone);
  }
}

export class MemoryRuns implements RunRepository {
  readonly items = new Map<string, CollisionRun>();
  async save(run: CollisionRun) {
    this.items.set(run.runId, clone(run));
  }
  async get(id: string) {
    const r = this.items.get(id);
    return r && clone(r);
  }
  async list(limit: number) {
    return [...this.items.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}

export class MemoryObjects implements ObjectStore {
  readonly items = new Map<string, Uint8Array>();
  async *stream(bucket: string, key: string): AsyncIterable<Uint8Array> {
    const bytes = this.items.get(`${bucket}/${key}`);
    if (!bytes) throw Object.assign(new Error(`NoSuchKey ${key}`), { name: 'NoSuchKey' });
    // Deliver in small chunks, as a network stream would.
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  }
  async getBytes(bucket: string, key: string) {
    return this.items.get(`${bucket}/${key}`);
  }
  async exists(bucket: string, key: string) {
    return this.items.has(`${bucket}/${key}`);
  }
  async put(bucket: string, key: string, body: Uint8Array | string) {
    this.items.set(`${bucket}/${key}`, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  keys(prefix = ''): string[] {
    return [...this.items.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
