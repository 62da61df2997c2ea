/**
 * The PII scan of the integration tests: every public response and every log line written
 * while the platform ran must hold no ID number, no name of a person the test knows, no
 * phone number and no receipt code (except the one filing response that hands its own code
 * to the reporter).
 */

/** What the scan looks for, besides any 18-digit ID number and any mainland mobile number. */
export interface PiiMarkers {
  /** Names of persons (registry, reporters) the test used. */
  readonly names: readonly string[];
  /** Receipt codes issued during the test (canonical or as issued; dashes are ignored). */
  readonly receiptCodes: readonly string[];
}

// Bounded by anything but letters and digits: an 18-digit run inside a hex digest or a lead id is no ID number.
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;

/** The PII found in `text`, by kind (empty when clean). */
export function piiIn(text: string, markers: PiiMarkers): string[] {
  const found: string[] = [];
  const id = ID_NUMBER.exec(text);
  if (id) found.push(`ID number ${id[0]}`);
  const phone = MOBILE.exec(text);
  if (phone) found.push(`phone ${phone[0]}`);
  for (const name of markers.names) if (text.includes(name)) found.push(`name ${name}`);
  const compact = text.replace(/-/g, '');
  for (const code of markers.receiptCodes)
    if (compact.includes(code.replace(/-/g, '').toUpperCase())) found.push(`receipt code ${code}`);
  return found;
}

/** Collects what a process writes to stdout/stderr (handler logs) and hands it back as lines. */
export function captureLogLines(): { lines(): string[]; restore(): void } {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap =
    (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    };
  process.stdout.write = tap(process.stdout, originals.out) as typeof process.stdout.write;
  process.stderr.write = tap(process.stderr, originals.err) as typeof process.stderr.write;
  return {
    lines: () => chunks.join('').split('\n').filter(Boolean),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
