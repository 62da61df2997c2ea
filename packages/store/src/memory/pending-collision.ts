import type { PendingCollision, PendingCollisionRepository } from '@jiandu/domain/collision-burst';
import type { DatasetKind } from '@jiandu/domain/kinds';
import { clone } from './support.js';

/** The pending collision in memory, with the DynamoDB adapter's merge and claim semantics. */
export class MemoryPendingCollisions implements PendingCollisionRepository {
  #item: PendingCollision | undefined;
  readonly #receiving = new Map<string, string>();

  async mark(kinds: readonly DatasetKind[], at: string): Promise<PendingCollision> {
    if (kinds.length === 0) throw new Error('A pending collision needs at least one kind');
    const previous = this.#item;
    this.#item = {
      kinds: [...new Set([...(previous?.kinds ?? []), ...kinds])].sort(),
      firstMarkedAt: previous?.firstMarkedAt ?? at,
      lastMarkedAt: at,
      revision: (previous?.revision ?? 0) + 1,
    };
    return clone(this.#item);
  }

  async get(): Promise<PendingCollision | undefined> {
    if (!this.#item) return undefined;
    const receivingSince = [...this.#receiving.values()].sort();
    return clone({ ...this.#item, ...(receivingSince.length > 0 ? { receivingSince } : {}) });
  }

  async receiving(upload: string, at: string): Promise<void> {
    this.#receiving.set(upload, at);
  }

  async received(upload: string, at: string): Promise<void> {
    this.#receiving.delete(upload);
    if (this.#item) this.#item = { ...this.#item, lastMarkedAt: at, revision: this.#item.revision + 1 };
  }

  async claim(revision: number): Promise<boolean> {
    if (this.#item?.revision !== revision) return false;
    this.#item = undefined;
    return true;
  }
}
