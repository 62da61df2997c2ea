import { describe, expect, it } from 'vitest';
import { FirstFit } from '../src/first-fit.js';
import { Rng } from '../src/random.js';

describe('FirstFit', () => {
  it('hands out what Array.find would while items go for good', () => {
    const rng = new Rng(7);
    const items = Array.from({ length: 500 }, (_, i) => ({ i, kind: rng.int(0, 3) }));
    const gone = new Set<number>();
    const fit = new FirstFit(items, (x) => gone.has(x.i));
    for (let round = 0; round < 700; round++) {
      // Items also go by other hands between takes (as households become taken).
      if (rng.chance(0.3)) gone.add(rng.int(0, items.length - 1));
      const kind = rng.int(0, 4);
      const accept = (x: { kind: number }) => kind === 4 || x.kind === kind;
      const expected = items.find((x) => !gone.has(x.i) && accept(x));
      const got = fit.first(accept);
      expect(got).toBe(expected);
      if (got) gone.add(got.i);
    }
    expect(fit.first(() => true)).toBeUndefined();
  });

  it('never calls accept for an item that is gone, and calls it in order', () => {
    const fit = new FirstFit([1, 2, 3, 4, 5], (x) => x % 2 === 0);
    const seen: number[] = [];
    expect(
      fit.first((x) => {
        seen.push(x);
        return x > 3;
      }),
    ).toBe(5);
    expect(seen).toEqual([1, 3, 5]);
  });
});
