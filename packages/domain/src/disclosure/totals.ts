import type { PaymentContent } from './records.js';

/**
 * Payment totals as a county prints them on its 公示栏: amount, recipients and payments of a
 * year, for the whole county, a township or a village, for one program or all (`*`), grouped
 * by month, township, village or program. Every combination is precomputed by the workflow, so
 * a public read is one query whatever the county's size.
 *
 * Recipients are distinct persons (`recipients.ts`: by ID, a lost ID by the registry's person
 * of that name in that village, else by name + village), which don't add up across groups:
 * they are counted per shard (all rows of one person are counted in one ID-hash shard) and the
 * shards' counts summed ({@link TotalsSum}).
 */

/** How totals are grouped. */
export const TOTALS_BY = ['month', 'township', 'village', 'program'] as const;
export type TotalsBy = (typeof TOTALS_BY)[number];

/** Where totals are counted: the county, a township or a village. */
export type TotalsScope =
  | { readonly level: 'county' }
  | { readonly level: 'township'; readonly township: string }
  | { readonly level: 'village'; readonly township: string; readonly village: string };

/** The stored form of a scope (`county`, `t|{township}`, `v|{township}|{village}`). */
export function scopeKey(scope: TotalsScope): string {
  if (scope.level === 'county') return 'county';
  if (scope.level === 'township') return `t|${scope.township}`;
  return `v|${scope.township}|${scope.village}`;
}

/** All programs together. */
export const ALL_PROGRAMS = '*';

/** One precomputed group. */
export interface TotalsCell {
  readonly year: string;
  readonly scope: string;
  /** A program code, or {@link ALL_PROGRAMS}. */
  readonly program: string;
  readonly by: TotalsBy;
  /** The group: `YYYY-MM`, a township, `{township}|{village}`, a program code. */
  readonly key: string;
  /** What the group is called: the month, the township, the village, the program's name. */
  readonly label: string;
  readonly amount: number;
  readonly recipients: number;
  readonly payments: number;
}

/** The cell's identity within its year. */
export function cellId(c: Pick<TotalsCell, 'scope' | 'program' | 'by' | 'key'>): string {
  return `${c.scope}#${c.program}#${c.by}#${c.key}`;
}

interface Sums {
  label: string;
  amount: number;
  payments: number;
  recipients: number;
  shardRecipients: Set<string>;
}

type CellSums = Sums & Omit<TotalsCell, 'amount' | 'payments' | 'recipients' | 'label'>;

/** Adds payments shard by shard; `cells()` gives every group of every year. */
export class TotalsBuilder {
  private readonly sums = new Map<string, CellSums>();
  /**
   * The 24 cells a payment adds to, by what chooses them (month, place, program and its name):
   * a county's payments share a few thousand of those, so each payment finds its cells with
   * one lookup instead of building 24 ids.
   */
  private readonly cellsOf = new Map<string, CellSums[]>();

  /** Add one disclosed payment; `recipient` identifies its person within the current shard. */
  add(p: PaymentContent, recipient: string): void {
    const signature = `${p.period}\u0000${p.township}\u0000${p.village}\u0000${p.program}\u0000${p.programName}`;
    let cells = this.cellsOf.get(signature);
    if (!cells) {
      cells = this.resolve(p);
      this.cellsOf.set(signature, cells);
    }
    for (const s of cells) {
      s.amount += p.amount;
      s.payments += 1;
      s.shardRecipients.add(recipient);
    }
  }

  private resolve(p: PaymentContent): CellSums[] {
    const year = p.period.slice(0, 4);
    const scopes = ['county', `t|${p.township}`, `v|${p.township}|${p.village}`];
    const groups: [TotalsBy, string, string][] = [
      ['month', p.period, p.period],
      ['township', p.township, p.township],
      ['village', `${p.township}|${p.village}`, p.village],
      ['program', p.program, p.programName],
    ];
    const out: CellSums[] = [];
    for (const scope of scopes)
      for (const program of [p.program, ALL_PROGRAMS])
        for (const [by, key, label] of groups) {
          const id = `${year}#${cellId({ scope, program, by, key })}`;
          let s = this.sums.get(id);
          if (!s) {
            s = {
              year,
              scope,
              program,
              by,
              key,
              label,
              amount: 0,
              payments: 0,
              recipients: 0,
              shardRecipients: new Set(),
            };
            this.sums.set(id, s);
          }
          out.push(s);
        }
    return out;
  }

  /** Close a shard: its distinct recipients are counted and forgotten. */
  endShard(): void {
    for (const s of this.sums.values()) {
      s.recipients += s.shardRecipients.size;
      s.shardRecipients.clear();
    }
  }

  /** Every group, by year. */
  cells(): TotalsCell[] {
    this.endShard();
    return [...this.sums.values()].map(({ shardRecipients: _s, ...cell }) => cell);
  }
}

/** Sums the cells of shards (recipients of different shards are different persons). */
export class TotalsSum {
  private readonly sums = new Map<string, TotalsCell>();

  /** Add the cells of one shard. */
  add(cells: readonly TotalsCell[]): void {
    this.merge(cells, 1);
  }

  /** Take out the cells of one shard (as they were added before). */
  subtract(cells: readonly TotalsCell[]): void {
    this.merge(cells, -1);
  }

  private merge(cells: readonly TotalsCell[], sign: 1 | -1): void {
    for (const c of cells) {
      const id = `${c.year}#${cellId(c)}`;
      const s = this.sums.get(id);
      this.sums.set(id, {
        ...(s ?? c),
        // The label of what is added wins (a program's name as the newest rows write it).
        label: sign === 1 || !s ? c.label : s.label,
        amount: (s?.amount ?? 0) + sign * c.amount,
        payments: (s?.payments ?? 0) + sign * c.payments,
        recipients: (s?.recipients ?? 0) + sign * c.recipients,
      });
    }
  }

  /** Every summed group; a group whose payments sum to zero is no group any more. */
  cells(): TotalsCell[] {
    return [...this.sums.values()].filter((c) => c.payments !== 0);
  }

  /** Every summed group as is, zeros too (a difference of two sums). */
  differences(): TotalsCell[] {
    return [...this.sums.values()];
  }
}
