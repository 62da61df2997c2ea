/**
 * Resident memory of a process and everything it started (DynamoDB Local's Java process, the
 * watchdog shell), read from Linux's `/proc`. Other systems have no `/proc`: the sampler then
 * reports nothing and the benchmark prints "n/a".
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process's memory: resident now and the kernel's high-water mark (both bytes). */
export interface ProcessMemory {
  readonly pid: number;
  /** The executable's name (`node`, `java`, `sh` …). */
  readonly name: string;
  readonly rss: number;
  /** `VmHWM`: the highest RSS the process ever had (the OS's own peak, not sampled). */
  readonly peakRss: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

function parentOf(pid: number): number | undefined {
  try {
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses: read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `root` and its descendants' memory now; empty when `/proc` can't be read. */
export function processTreeMemory(root: number): ProcessMemory[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  const out: ProcessMemory[] = [];
  for (const pid of tree) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const name = /^Name:\s+(.+)$/m.exec(status)?.[1] ?? '?';
      out.push({ pid, name, rss: field(status, 'VmRSS'), peakRss: field(status, 'VmHWM') });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return out;
}

/** One sample of a process tree: when, the sum, and the sum per executable name. */
export interface MemorySample {
  readonly at: number;
  readonly total: number;
  readonly byName: Readonly<Record<string, number>>;
}

/** The highest figures among some samples. */
export interface MemoryPeaks {
  /** Highest sampled sum over the whole tree. */
  readonly total: number;
  /** Highest sampled RSS per executable name (`node`, `java` …), summed over processes of that name. */
  readonly byName: Readonly<Record<string, number>>;
  readonly samples: number;
  /** When the highest sum was sampled (epoch ms); undefined without samples. */
  readonly at?: number;
}

/** A span of time, epoch ms. */
export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** Samples a process tree's RSS every `intervalMs` (epoch-ms stamped), to take peaks of any span later. */
export class MemorySampler {
  readonly #root: number;
  readonly #timer: NodeJS.Timeout;
  readonly #samples: MemorySample[] = [];
  readonly #intervalMs: number;
  #last: ProcessMemory[] = [];

  constructor(root: number, intervalMs = 200) {
    this.#root = root;
    this.#intervalMs = intervalMs;
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  /** Take a sample now. */
  sample(): void {
    const now = processTreeMemory(this.#root);
    if (now.length === 0) return;
    this.#last = now;
    const byName: Record<string, number> = {};
    for (const p of now) byName[p.name] = (byName[p.name] ?? 0) + p.rss;
    this.#samples.push({ at: Date.now(), total: now.reduce((sum, p) => sum + p.rss, 0), byName });
  }

  /**
   * Peaks of the samples taken within any of `intervals` (every sample when omitted), each
   * widened by one sampling period, so a span shorter than the period still has a sample.
   */
  peaks(intervals?: readonly Interval[]): MemoryPeaks {
    const slack = this.#intervalMs;
    const within = intervals
      ? this.#samples.filter((s) => intervals.some((i) => s.at >= i.from - slack && s.at <= i.to + slack))
      : this.#samples;
    const byName: Record<string, number> = {};
    let total = 0;
    let at: number | undefined;
    for (const s of within) {
      if (s.total > total) at = s.at;
      total = Math.max(total, s.total);
      for (const [name, rss] of Object.entries(s.byName)) byName[name] = Math.max(byName[name] ?? 0, rss);
    }
    return { total, byName, samples: within.length, ...(at !== undefined ? { at } : {}) };
  }

  /** The processes of the last sample, with their OS high-water marks. */
  processes(): readonly ProcessMemory[] {
    return this.#last;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
