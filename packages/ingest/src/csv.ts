/**
 * The CSV record parser: decoded text in, records out, with exactly the results of csv-parse
 * under the options the readers used with it (`relax_quotes`, `relax_column_count`, record
 * delimiters `\r\n` `\n` `\r`, a BOM dropped, no trimming, empty lines kept, `max_record_size`),
 * its quirks included, however the text is cut into chunks —
 * `test/csv-records.property.test.ts` compares the two on generated text. csv-parse walks
 * UTF-8 bytes with several calls per byte and builds each field in a buffer; this walks the
 * decoded text and slices fields out of it, several times faster on the millions of rows of
 * a county.
 */

/** A parse failure, with csv-parse's error code (the readers map it to a Chinese reason). */
export class CsvRecordError extends Error {
  constructor(readonly code: 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE') {
    super(code);
    this.name = 'CsvRecordError';
  }
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Streaming parser: {@link write} text chunks, then {@link end}; each record goes to `push`. */
export class CsvRecords {
  // Physical lines as csv-parse counts them (for positions in messages): a line break counts
  // when the next character is read, a `\r\n` outside quotes once, inside quotes twice.
  #lines = 1;
  #wasLineBreak = false;
  #quoting = false;
  #wasQuoting = false;
  #field = '';
  #record: string[] = [];
  // What csv-parse compares with max_record_size: completed fields in characters.
  #recordChars = 0;
  #carry = '';
  #started = false;
  readonly #delimiter: number;

  constructor(
    delimiter: string,
    private readonly maxRecordSize: number,
    private readonly push: (record: string[], lines: number) => void,
  ) {
    if (delimiter.length !== 1) throw new Error(`CSV delimiter must be one character: ${delimiter}`);
    this.#delimiter = delimiter.charCodeAt(0);
  }

  /** The line the parser is at (csv-parse's `info.lines`). */
  get lines(): number {
    return this.#lines;
  }

  /** Parse the next chunk of text. */
  write(chunk: string): void {
    let text = this.#carry + chunk;
    this.#carry = '';
    if (!this.#started) {
      // csv-parse drops a UTF-8 BOM at the start (and waits for three bytes to know).
      if (text.length === 0) return;
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#parse(text, false);
    this.#checkSize();
  }

  /** The end of the text: the last record, or the error of a quote never closed. */
  end(): void {
    const text = this.#carry;
    this.#carry = '';
    this.#parse(text, true);
    if (this.#quoting) {
      this.#checkSize();
      throw new CsvRecordError('CSV_QUOTE_NOT_CLOSED');
    }
    if (this.#wasQuoting || this.#record.length > 0 || this.#field.length > 0) {
      this.#endField();
      this.#endRecord();
    }
  }

  #parse(text: string, end: boolean): void {
    const length = text.length;
    const delimiter = this.#delimiter;
    // Start of the run of plain characters not yet added to the field.
    let run = 0;
    let i = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      // A quote or a CR decides by the character after it: wait for it unless the text ended.
      if (!end && i === length - 1 && (c === QUOTE || c === CR)) break;
      if (this.#wasLineBreak) {
        this.#lines++;
        this.#wasLineBreak = false;
      }
      if (c === CR || c === LF) this.#wasLineBreak = true;
      if (c === QUOTE) {
        if (this.#quoting) {
          const next = i + 1 < length ? text.charCodeAt(i + 1) : -1;
          if (next === QUOTE) {
            // `""` inside quotes: the second quote is an ordinary character of the field.
            this.#field += text.slice(run, i);
            i++;
            run = i;
            continue;
          }
          this.#field += text.slice(run, i);
          this.#quoting = false;
          this.#wasQuoting = true;
          if (next === -1 || next === 0 || next === delimiter || next === CR || next === LF) {
            run = i + 1;
            continue;
          }
          // relax_quotes: a closing quote followed by text puts the opening quote back in
          // front and keeps this one, as text.
          this.#field = `"${this.#field}`;
          run = i;
          continue;
        }
        if (this.#field.length === 0 && run === i) {
          this.#quoting = true;
          run = i + 1;
          continue;
        }
        // relax_quotes: a quote inside an unquoted field is text.
        continue;
      }
      if (this.#quoting) continue;
      if (c === delimiter) {
        this.#field += text.slice(run, i);
        this.#endField();
        run = i + 1;
        continue;
      }
      if (c === CR || c === LF) {
        this.#field += text.slice(run, i);
        this.#endField();
        this.#endRecord();
        // `\r\n` is one record delimiter: the LF is not read on its own.
        if (c === CR && i + 1 < length && text.charCodeAt(i + 1) === LF) i++;
        run = i + 1;
      }
    }
    this.#field += text.slice(run, i);
    if (i < length) this.#carry = text.slice(i);
  }

  #endField(): void {
    this.#checkSize();
    this.#record.push(this.#field);
    this.#recordChars += this.#field.length;
    this.#field = '';
    this.#wasQuoting = false;
  }

  #endRecord(): void {
    const record = this.#record;
    this.#record = [];
    this.#recordChars = 0;
    this.push(record, this.#lines);
  }

  /**
   * csv-parse refuses a record when, before it appends a byte, the record's completed fields
   * (in characters) and the field's bytes so far exceed `max_record_size`: the field as it
   * stands less its last byte. Checked as fields end and after each chunk, so an unclosed
   * quote is stopped after a chunk, not at the end of the file.
   */
  #checkSize(): void {
    const field = this.#field;
    if (field.length === 0) return;
    // A UTF-16 unit is at most 3 bytes: only a field that may be too long is measured.
    if (this.#recordChars + 3 * field.length - 1 <= this.maxRecordSize) return;
    if (this.#recordChars + Buffer.byteLength(field) - 1 > this.maxRecordSize)
      throw new CsvRecordError('CSV_MAX_RECORD_SIZE');
  }
}
