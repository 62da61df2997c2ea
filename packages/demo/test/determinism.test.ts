import { describe, expect, it } from 'vitest';
import { type DemoCounty, generateDemoCounty } from '../src/index.js';

function fingerprint(county: DemoCounty): string[] {
  return county.files.map(
    (f) => `${f.department}/${f.kind}/${f.fileName}:${Buffer.from(f.body).toString('base64')}`,
  );
}

describe('generateDemoCounty determinism', () => {
  it('gives byte-identical files and the same truth for the same seed', () => {
    const a = generateDemoCounty({ seed: 42, persons: 800 });
    const b = generateDemoCounty({ seed: 42, persons: 800 });
    expect(fingerprint(a)).toEqual(fingerprint(b));
    expect(a.truth).toEqual(b.truth);
    expect(a.stats).toEqual(b.stats);
  });

  it('gives different files for a different seed', () => {
    const a = generateDemoCounty({ seed: 42, persons: 800 });
    const b = generateDemoCounty({ seed: 43, persons: 800 });
    const registry = (c: DemoCounty) => c.files.find((f) => f.kind === 'household_registry')?.body;
    expect(Buffer.from(registry(a) as Uint8Array).equals(Buffer.from(registry(b) as Uint8Array))).toBe(false);
    expect(a.truth.leads.map((l) => l.subjectKey)).not.toEqual(b.truth.leads.map((l) => l.subjectKey));
  });

  it('is stable with default options (what the platform loads on first start)', () => {
    const a = generateDemoCounty();
    const b = generateDemoCounty();
    expect(fingerprint(a)).toEqual(fingerprint(b));
    expect(a.countyName).toBe('青山县');
    expect(a.stats.persons).toBe(2000);
  });

  it('rejects nonsensical options', () => {
    expect(() => generateDemoCounty({ firstMonth: '2023-13' })).toThrow(/firstMonth/);
    expect(() => generateDemoCounty({ persons: 3 })).toThrow(/persons/);
    expect(() => generateDemoCounty({ months: 0 })).toThrow(/months/);
  });
});
