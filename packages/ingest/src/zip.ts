/**
 * The zip container of an XLSX workbook, read from its central directory (the archive's
 * authoritative index at its end) with every part inflated as a stream under a size cap.
 */
import { createInflateRaw } from 'node:zlib';
import { FileRejectedError } from './errors.js';
import { type ReadLimits, sizeText } from './limits.js';

/** One file of the archive, as the central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly declaredSize: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * The entries of a zip archive held in memory, by lower-cased name (OPC part names are
 * case-insensitive). `undefined` when the bytes have no readable central directory.
 */
export function zipEntries(zip: Buffer): Map<string, ZipEntry> | undefined {
  // The end-of-central-directory record is in the last 22 + 65,535 bytes (its comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) return undefined; // ZIP64: no workbook needs it
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL) return undefined;
    const flags = zip.readUInt16LE(offset + 8);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength).replace(/^\//, '');
    entries.set(name.toLowerCase(), {
      name,
      method: zip.readUInt16LE(offset + 10),
      encrypted: (flags & 1) === 1,
      compressedSize: zip.readUInt32LE(offset + 20),
      declaredSize: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Inflate one entry as a stream of chunks, refusing it once it grows past the caps: the
 * absolute part size and, above a floor, the compression ratio of a zip bomb.
 */
export async function* inflateEntry(
  zip: Buffer,
  entry: ZipEntry,
  limits: ReadLimits,
  what: string,
): AsyncGenerator<Buffer> {
  const cap = Math.min(
    limits.maxPartBytes,
    Math.max(limits.ratioFloorBytes, entry.compressedSize * limits.maxCompressionRatio),
  );
  const tooBig = () =>
    new FileRejectedError(
      'too_large',
      `${what}解压后超过 ${sizeText(cap)}（压缩后仅 ${sizeText(entry.compressedSize)}），疑似压缩炸弹或文件过大，已拒绝读取`,
    );
  const broken = (detail: string) =>
    new FileRejectedError('not_a_spreadsheet', `${what}已损坏，无法解压（${detail}）`);
  if (entry.encrypted) throw new FileRejectedError('encrypted', `${what}已加密，请取消密码后重新上传`);
  // Honest bombs say what they are up front; lying ones are stopped while inflating.
  if (entry.declaredSize > cap) throw tooBig();
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) throw broken('文件头缺失');
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length < entry.compressedSize) throw broken('文件被截断');
  if (entry.method === 0) {
    if (data.length > cap) throw tooBig();
    yield data;
    return;
  }
  if (entry.method !== 8) throw broken(`不支持的压缩方式 ${entry.method}`);
  const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
  inflater.end(data);
  let size = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > cap) throw tooBig();
      yield chunk;
    }
  } catch (error) {
    if (error instanceof FileRejectedError) throw error;
    throw broken(error instanceof Error && 'code' in error ? String(error.code) : '数据错误');
  } finally {
    inflater.destroy();
  }
}
