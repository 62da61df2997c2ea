/**
 * One disclosure sync at a time (`withDisclosureSyncLease`): the lease is taken before the sync
 * starts, refused to a second sync (`DisclosureSyncBusy`, nothing done), kept past its expiry by
 * renewal while the sync runs, released however the sync ends — and never released or kept by a
 * sync that lost it.
 */
import {
  DISCLOSURE_SYNC_BUSY,
  DISCLOSURE_SYNC_LEASE,
  DISCLOSURE_SYNC_LEASE_SECONDS,
  DisclosureSyncBusy,
  withDisclosureSyncLease,
} from '@jiandu/pipeline';
import { TASK_TIMEOUT_SECONDS } from '@jiandu/pipeline/definition';
import { MemoryLeases } from '@jiandu/store/memory';
import { afterEach, describe, expect, it, vi } from 'vitest';

const START = Date.parse('2024-05-01T00:00:00.000Z');

function setup() {
  const clock = { ms: START };
  const leases = new MemoryLeases();
  const warnings: string[] = [];
  const deps = {
    leases,
    now: () => new Date(clock.ms).toISOString(),
    log: { info: () => {}, warn: (message: string) => void warnings.push(message) },
  };
  /** Another sync's attempt right now: whether it would get the lease. */
  const othersTake = async () =>
    (await leases.acquire(DISCLOSURE_SYNC_LEASE, 'other', clock.ms / 1000, clock.ms / 1000 + 10)).acquired;
  return { clock, leases, deps, warnings, othersTake };
}

/** A sync that runs until `finish` is called. */
function heldSync() {
  let finish: (value: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { run: vi.fn(() => done), finish, fail };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the disclosure sync lease', () => {
  it('outlasts the sync function: a live sync never loses it to expiry', () => {
    expect(DISCLOSURE_SYNC_LEASE_SECONDS).toBeGreaterThan(TASK_TIMEOUT_SECONDS.SyncDisclosure);
  });

  it('lets one of two syncs started together run; the other fails DisclosureSyncBusy without running', async () => {
    const { deps } = setup();
    const first = heldSync();
    const second = heldSync();
    const a = withDisclosureSyncLease(deps, first.run);
    const b = withDisclosureSyncLease(deps, second.run);
    await expect(b).rejects.toMatchObject({
      name: DISCLOSURE_SYNC_BUSY,
      message: expect.stringContaining('公示同步'),
    });
    await expect(b).rejects.toBeInstanceOf(DisclosureSyncBusy);
    expect(second.run).not.toHaveBeenCalled();
    first.finish('synced');
    expect(await a).toBe('synced');
    // Released: the next sync runs.
    expect(await withDisclosureSyncLease(deps, async () => 'again')).toBe('again');
  });

  it('is released when the sync fails, and the failure is what the caller sees', async () => {
    const { deps, othersTake } = setup();
    const sync = heldSync();
    const running = withDisclosureSyncLease(deps, sync.run);
    await vi.waitFor(() => expect(sync.run).toHaveBeenCalled());
    expect(await othersTake()).toBe(false);
    sync.fail(new Error('写入失败'));
    await expect(running).rejects.toThrow('写入失败');
    expect(await othersTake()).toBe(true);
  });

  it('is renewed while the sync runs, so a sync longer than the lease keeps it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { clock, deps, othersTake } = setup();
    const sync = heldSync();
    const running = withDisclosureSyncLease(deps, sync.run);
    await vi.waitFor(() => expect(sync.run).toHaveBeenCalled());
    // Each renewal tick: the clock moves on as far, and the lease is extended from then.
    for (let tick = 0; tick < 4; tick++) {
      clock.ms += (DISCLOSURE_SYNC_LEASE_SECONDS / 3) * 1000;
      await vi.advanceTimersByTimeAsync((DISCLOSURE_SYNC_LEASE_SECONDS / 3) * 1000);
    }
    // 1,280 s after it was taken: without renewal the lease would have expired 320 s ago.
    expect(await othersTake()).toBe(false);
    sync.finish('done');
    expect(await running).toBe('done');
    expect(await othersTake()).toBe(true);
  });

  it("fails a sync that lost its lease (expired, taken by another) and leaves the other's lease alone", async () => {
    const { clock, deps, leases, othersTake } = setup();
    const sync = heldSync();
    const running = withDisclosureSyncLease(deps, sync.run);
    await vi.waitFor(() => expect(sync.run).toHaveBeenCalled());
    // No renewal came (a stalled process): past its expiry another sync takes it.
    clock.ms += (DISCLOSURE_SYNC_LEASE_SECONDS + 1) * 1000;
    expect(await othersTake()).toBe(true);
    sync.finish('done late');
    await expect(running).rejects.toMatchObject({ name: DISCLOSURE_SYNC_BUSY });
    // The other's lease stands: neither released nor renewed by the late sync.
    expect(
      await leases.acquire(DISCLOSURE_SYNC_LEASE, 'third', clock.ms / 1000, clock.ms / 1000 + 1),
    ).toEqual({
      acquired: false,
      holder: { owner: 'other', expiresAt: clock.ms / 1000 + 10 },
    });
  });

  it("keeps the sync's outcome when releasing fails (the lease then frees itself at its expiry)", async () => {
    const { deps, leases, warnings } = setup();
    vi.spyOn(leases, 'release').mockRejectedValueOnce(new Error('ECONNRESET'));
    expect(await withDisclosureSyncLease(deps, async () => 'synced')).toBe('synced');
    expect(warnings).toContain('disclosure sync lease not released');
  });
});
