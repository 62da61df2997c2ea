import { describe, expect, it } from 'vitest';
import { disclosureSyncFigures, disclosureSyncLine } from '../src/county/disclosure-sync.js';

describe("the county benchmark's disclosure line", () => {
  it("sums the syncs' log lines and ignores every other line", () => {
    const log = [
      '{"level":"INFO","message":"normalized","rows":10}',
      'not json: disclosure projections synced',
      JSON.stringify({
        level: 'INFO',
        message: 'disclosure projections synced',
        seconds: 12.5,
        paymentsWritten: 1000,
        totalsCounted: 16,
        lookupsRebuilt: true,
      }),
      JSON.stringify({
        level: 'INFO',
        message: 'disclosure projections synced',
        seconds: 0.5,
        paymentsWritten: 1,
        totalsCounted: 1,
        lookupsRebuilt: false,
      }),
    ].join('\n');
    const figures = disclosureSyncFigures(log);
    expect(figures).toEqual({
      runs: 2,
      seconds: 13,
      paymentsWritten: 1001,
      totalsCounted: 17,
      lookupsRebuilt: 1,
    });
    expect(disclosureSyncLine(figures)).toContain('2 run(s), 13.0 s, 1,001 payment records written');
  });
});
