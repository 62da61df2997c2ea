import { csvDocument, csvText } from '@jiandu/domain/export/cells';
import type { RejectedRow } from '@jiandu/domain/model';

const FIXED_HEADER = ['行号', '工作表', '原因代码', '原因'];

// Rejected rows encoded at once: few strings live at a time, the file's bytes outside the heap.
const BATCH_ROWS = 512;

/**
 * The downloadable rejects file of a version, written as its rows are rejected: the original
 * cells of every rejected row plus its row number and reason, as UTF-8 CSV with BOM (so Excel
 * opens it). The cells come from a department's file: every one is neutralised against
 * formula injection.
 *
 * Each row is encoded when it arrives, not kept as an object: a file whose every row is
 * rejected (a date format nobody can read, a wrong column mapping) must not hold a million
 * rows with their cells until it ends. The original columns are listed in the order they
 * first appear, in a header put in front at the end; a row's line ends with the last column
 * known when it came (columns first seen later are not its own).
 */
export class RejectsWriter {
  #rows = 0;
  readonly #columns: string[] = [];
  readonly #columnIndex = new Map<string, number>();
  #pending: string[] = [];
  readonly #encoded: Buffer[] = [];

  /** Add one rejected row. */
  add(row: RejectedRow): void {
    const cells = [String(row.row), row.sheet ?? '', row.reason, row.message];
    for (const [column, value] of Object.entries(row.original)) {
      let index = this.#columnIndex.get(column);
      if (index === undefined) {
        index = this.#columns.length;
        this.#columns.push(column);
        this.#columnIndex.set(column, index);
      }
      cells[FIXED_HEADER.length + index] = value;
    }
    // Columns of earlier rows that this row lacks are holes: empty cells.
    this.#pending.push(Array.from(cells, (cell) => csvText(cell ?? '')).join(','));
    this.#rows++;
    if (this.#pending.length >= BATCH_ROWS) this.#flush();
  }

  /** The whole file (the writer lets go of its bytes), or `undefined` when no row was rejected. */
  take(): Buffer | undefined {
    if (this.#rows === 0) return undefined;
    this.#flush();
    const header = Buffer.from(csvDocument([[...FIXED_HEADER, ...this.#columns].map(csvText)]));
    return Buffer.concat([header, ...this.#encoded.splice(0)]);
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#encoded.push(Buffer.from(`${this.#pending.join('\r\n')}\r\n`));
    this.#pending = [];
  }
}
