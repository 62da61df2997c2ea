import type { Lease, LeaseAttempt, LeaseStore } from '@jiandu/domain/leases';
import { clone } from './support.js';

/** Leases in memory, with the DynamoDB adapter's conditions (expired: `expiresAt < now`). */
export class MemoryLeases implements LeaseStore {
  readonly #leases = new Map<string, Lease>();

  async acquire(name: string, owner: string, now: number, expiresAt: number): Promise<LeaseAttempt> {
    const held = this.#leases.get(name);
    if (held && !(held.expiresAt < now)) return { acquired: false, holder: clone(held) };
    this.#leases.set(name, { owner, expiresAt });
    return { acquired: true };
  }

  async renew(name: string, owner: string, expiresAt: number): Promise<boolean> {
    if (this.#leases.get(name)?.owner !== owner) return false;
    this.#leases.set(name, { owner, expiresAt });
    return true;
  }

  async release(name: string, owner: string): Promise<boolean> {
    if (this.#leases.get(name)?.owner !== owner) return false;
    this.#leases.delete(name);
    return true;
  }
}
