/**
 * Byte-level sniffing of an upload: which format it really is and, for text, which encoding.
 */
import { FileRejectedError } from './errors.js';
import { unfinished } from './gb18030.js';

/** An upload body: a stream of chunks (S3) or the bytes at once (tests, small files). */
export type Body = AsyncIterable<Uint8Array> | Uint8Array;

/** Format and encoding decided from the first bytes. */
export type Sniffed =
  | { readonly format: 'xlsx' }
  | { readonly format: 'csv'; readonly encoding: 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be' };

// Enough for a confident UTF-8 verdict on real files: dozens of rows of Chinese text.
const SNIFF_BYTES = 64 * 1024;

/**
 * A body that can be peeked at: `head` holds at least the first {@link SNIFF_BYTES} bytes
 * (or the whole file), and `chunks()` replays the entire body from the start, streaming.
 */
export interface PeekedBody {
  readonly head: Buffer;
  readonly ended: boolean;
  chunks(): AsyncIterable<Buffer>;
}

/** Read the start of a body without consuming it for later readers. */
export async function peek(body: Body): Promise<PeekedBody> {
  if (body instanceof Uint8Array) {
    const all = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return {
      head: all.subarray(0, SNIFF_BYTES),
      ended: all.length <= SNIFF_BYTES,
      async *chunks() {
        yield all;
      },
    };
  }
  const iterator = body[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    buffered.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(buffered);
  return {
    head: head.subarray(0, SNIFF_BYTES),
    ended,
    async *chunks() {
      yield head;
      if (ended) return;
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
    },
  };
}

/**
 * The chunks cut to at most `size` bytes: the readers' per-chunk checks (line and text-run
 * lengths) see every stretch longer than a chunk, even when the body came as one buffer.
 */
export async function* pieces(chunks: AsyncIterable<Buffer>, size = 64 * 1024): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
  }
}

function startsWith(head: Buffer, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

/**
 * Whether `head` is UTF-8 (a multi-byte sequence cut off at the end of the head is fine). A
 * stray invalid byte in real UTF-8 text does not make it GBK — that row is rejected later —
 * while GBK read as UTF-8 gives far more invalid sequences than valid non-ASCII characters.
 */
export function isUtf8(head: Buffer, complete: boolean): boolean {
  const text = new TextDecoder('utf-8').decode(head, { stream: !complete });
  let invalid = 0;
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd) invalid++;
    else if (code > 0x7f) valid++;
  }
  return invalid * 10 <= valid;
}

/**
 * Decide the format from the content, not the file name: XLSX is a zip (`PK\x03\x04`);
 * old binary `.xls` and other binary files are refused; text is CSV in UTF-8 (with or
 * without BOM), UTF-16 (with BOM, Excel's "Unicode text") or else GB18030 (a superset of GBK).
 */
export function sniff(head: Buffer, ended: boolean, fileName: string): Sniffed {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { format: 'xlsx' };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) throw compoundFile(head, fileName);
  if (startsWith(head, [0xff, 0xfe])) return { format: 'csv', encoding: 'utf-16le' };
  if (startsWith(head, [0xfe, 0xff])) return { format: 'csv', encoding: 'utf-16be' };
  const utf16 = utf16WithoutBom(head);
  if (utf16) return { format: 'csv', encoding: utf16 };
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46]) || isBinary(head)) {
    throw new FileRejectedError('not_a_spreadsheet', `文件 ${fileName} 不是表格文件（仅支持 .xlsx 和 .csv）`);
  }
  // A BOM says UTF-8, but some tools put one in front of GBK text: the bytes decide.
  if (startsWith(head, [0xef, 0xbb, 0xbf])) {
    const text = head.subarray(3);
    return { format: 'csv', encoding: isUtf8(text, ended) || !isGb18030(text) ? 'utf-8' : 'gb18030' };
  }
  return { format: 'csv', encoding: isUtf8(head, ended) ? 'utf-8' : 'gb18030' };
}

/** Whether `head` decodes as GB18030 without a replacement character (a cut-off end is fine). */
function isGb18030(head: Buffer): boolean {
  return !new TextDecoder('gb18030')
    .decode(head.subarray(0, head.length - unfinished(head)))
    .includes('\ufffd');
}

// Stream names of an OLE compound file's directory, in UTF-16LE as stored.
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const XLS_WORKBOOK = [Buffer.from('Workbook', 'utf16le'), Buffer.from('Book', 'utf16le')];

/**
 * An OLE compound file is either an old binary `.xls` or an `.xlsx` encrypted with a password
 * (Excel wraps it in one): the directory, usually near the start, tells which.
 */
function compoundFile(head: Buffer, fileName: string): FileRejectedError {
  if (head.includes(ENCRYPTED_PACKAGE))
    return new FileRejectedError(
      'encrypted',
      `文件 ${fileName} 设置了打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 重新上传`,
    );
  if (XLS_WORKBOOK.some((name) => head.includes(name)))
    return new FileRejectedError(
      'unsupported_format',
      `文件 ${fileName} 是旧版 Excel（.xls）格式，请另存为 .xlsx 或 .csv 后重新上传`,
    );
  return new FileRejectedError(
    'unsupported_format',
    `文件 ${fileName} 是旧版 Excel（.xls）或设置了打开密码的工作簿：如有密码请先取消，然后请另存为 .xlsx 或 .csv 后重新上传`,
  );
}

/**
 * UTF-16 text saved without a BOM: the delimiters, digits and line breaks of a CSV are ASCII,
 * so every other byte is NUL — at odd offsets for little endian, even ones for big endian —
 * and the other half has none. Chinese-only stretches have no NULs, hence a share, not all.
 */
function utf16WithoutBom(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  // The other half is not quite NUL-free: a code unit ending in 00 (`一` U+4E00, the low
  // surrogate U+DC00 of `𠀀`) puts a NUL on that side too, rarely.
  const encoding =
    oddNul > pairs * 0.2 && evenNul * 20 < oddNul
      ? 'utf-16le'
      : evenNul > pairs * 0.2 && oddNul * 20 < evenNul
        ? 'utf-16be'
        : undefined;
  if (!encoding) return undefined;
  // Only if it decodes cleanly: no lone surrogates, no control characters besides tab and line breaks.
  const text = new TextDecoder(encoding, { fatal: false }).decode(head.subarray(0, pairs * 2));
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0xfffd || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) return undefined;
  }
  return encoding;
}

/** NUL bytes or many control characters: no text file of a department looks like that. */
function isBinary(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    // Tab, LF, CR, form feed and ESC occur in text; other C0 controls (NUL too) do not. A
    // stray one is a damaged cell (rejected with its row); many are a binary file.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control > 2 && control / head.length > 0.01;
}

/** Whether the file holds nothing but blanks (after a BOM). */
export function isBlankText(head: Buffer, ended: boolean): boolean {
  if (!ended) return false;
  const text = new TextDecoder('utf-8').decode(head);
  return text.replace(/[\s\u3000\ufeff,;\t"]/g, '') === '';
}
