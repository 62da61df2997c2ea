import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { gb18030Decoder } from '../src/gb18030.js';

/** The bytes decoded through one {@link gb18030Decoder}, cut at the given offsets. */
function decodeCut(bytes: Uint8Array, cuts: readonly number[]): string {
  const decoder = gb18030Decoder();
  let text = '';
  let from = 0;
  for (const at of [...cuts].sort((a, b) => a - b)) {
    text += decoder.write(Buffer.from(bytes.subarray(from, at)));
    from = at;
  }
  return text + decoder.write(Buffer.from(bytes.subarray(from))) + decoder.end();
}

const whole = (bytes: Uint8Array) => new TextDecoder('gb18030').decode(bytes);

// Lead bytes, digits (second and fourth bytes of four-byte sequences), trail bytes, ASCII
// that ends a sequence, and bytes that are never valid: what makes a decoder's state.
const byte = fc.oneof(
  fc.constantFrom(0x81, 0x84, 0x90, 0xe3, 0xfe, 0x30, 0x31, 0x39, 0x40, 0x7f, 0x80, 0xff, 0x0a, 0x2c, 0x41),
  fc.integer({ min: 0, max: 255 }),
);

describe('GB18030 decoding', () => {
  it('gives the same text as one decode, however the bytes are cut (valid or not)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }).chain((b) =>
          fc.tuple(
            fc.array(byte, { maxLength: 60 }).map((a) => Uint8Array.from([...b, ...a])),
            fc.array(fc.nat(), { maxLength: 10 }),
          ),
        ),
        ([bytes, cuts]) => {
          expect(
            decodeCut(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            ),
          ).toBe(whole(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('does not throw on an invalid four-byte sequence split between chunks', () => {
    // Node's own streaming decoder throws ERR_ENCODING_INVALID_ENCODED_DATA on these.
    for (const bytes of [
      [0x81, 0x30, 0x0a],
      [0x81, 0x30, 0x81, 0x41],
    ]) {
      const all = Uint8Array.from(bytes);
      for (let at = 0; at <= all.length; at++) {
        expect(decodeCut(all, [at])).toBe(whole(all));
        expect(decodeCut(all, [at])).toContain('\ufffd');
      }
    }
  });

  it('decodes text of every width as iconv-lite encodes it, split anywhere', () => {
    const text = '姓名,住址\r\n张三,湖南省邵阳市𠀀𪚥㐂䶮😀é€·\r\n';
    const bytes = iconv.encode(text, 'gb18030');
    for (let at = 0; at <= bytes.length; at++) expect(decodeCut(bytes, [at])).toBe(text);
  });

  it('keeps an unfinished sequence at the end as U+FFFD', () => {
    expect(decodeCut(Uint8Array.from([0x41, 0x81, 0x30, 0x81]), [2])).toBe('A\ufffd');
  });
});
