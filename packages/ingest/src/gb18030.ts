/**
 * Streaming GB18030 decoding with the built-in WHATWG `TextDecoder` (ICU), so that no
 * decoding tables are bundled.
 *
 * Node's decoder (20.x at least) throws `ERR_ENCODING_INVALID_ENCODED_DATA`, even when not
 * fatal, if an invalid four-byte sequence is split between `{ stream: true }` calls (e.g.
 * `81 30 | 0A`; nodejs/node#61041). So the decoder here is handed only whole sequences, each
 * piece decoded at once: the WHATWG decoder keeps no state between whole sequences, so the
 * text is the same however the bytes are cut.
 *
 * The WHATWG mapping is GB18030-2022's: 19 code points differ from GB18030-2005 (and from
 * iconv-lite), e.g. A6 D9 is U+FE10 (vertical comma), not the private-use U+E78D. Names and
 * addresses in department files do not use those characters.
 */

/** A stateful decoder: `write` returns the text of the bytes so far, `end` what remains. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** A byte after which the decoder is idle whatever came before: never inside a sequence. */
function ends(byte: number): boolean {
  return byte < 0x30 || byte === 0x7f || byte === 0xff;
}

const isLead = (byte: number) => byte >= 0x81 && byte <= 0xfe;
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;

/**
 * How many bytes at the end of `bytes` begin a sequence they do not finish, following the
 * WHATWG gb18030 decoder's states (1–3 bytes pending). `bytes` must start between sequences.
 */
export function unfinished(bytes: Uint8Array): number {
  let at = bytes.length;
  while (at > 0 && !ends(bytes[at - 1] as number)) at--;
  let pending = 0;
  for (; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    if (pending === 0) pending = isLead(byte) ? 1 : 0;
    else if (pending === 1) pending = isDigit(byte) ? 2 : 0;
    else if (pending === 2) pending = isLead(byte) ? 3 : 0;
    // A bad fourth byte: the second (a digit) is re-read as ASCII, the third as a lead byte
    // and this byte as its trail byte or an error, which ends that sequence too.
    else pending = 0;
  }
  return pending;
}

/** A GB18030 decoder for a stream of chunks; undecodable bytes become U+FFFD. */
export function gb18030Decoder(): ChunkDecoder {
  const decoder = new TextDecoder('gb18030');
  let pending = Buffer.alloc(0);
  return {
    write(chunk) {
      const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const whole = bytes.length - unfinished(bytes);
      pending = Buffer.from(bytes.subarray(whole));
      return decoder.decode(bytes.subarray(0, whole));
    },
    end() {
      const rest = decoder.decode(pending);
      pending = Buffer.alloc(0);
      return rest;
    },
  };
}
