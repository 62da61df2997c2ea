import {
  birthDateOf,
  checkCharacter,
  genderOf,
  isValidIdNumber,
  maskIdNumber,
  normalizeIdNumber,
} from '@jiandu/domain/normalize/id';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const TODAY = new Date('2024-06-30T12:00:00Z');

/** A valid 18-digit ID from parts; `year` may be any 1900…2020 year. */
function makeId(region: string, year: number, month: number, day: number, seq: string): string {
  const first17 = `${region}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${seq}`;
  return first17 + checkCharacter(first17);
}

const regionArb = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 99_999 }))
  .map(([first, rest]) => `${first}${String(rest).padStart(5, '0')}`);
const dateArb = (minYear: number, maxYear: number) =>
  fc
    .date({
      min: new Date(Date.UTC(minYear, 0, 1)),
      max: new Date(Date.UTC(maxYear, 11, 31)),
      noInvalidDate: true,
    })
    .map((d) => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()] as const);
const seqArb = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
const validIdArb = (minYear = 1900, maxYear = 2020) =>
  fc
    .tuple(regionArb, dateArb(minYear, maxYear), seqArb)
    .map(([region, [y, m, d], seq]) => makeId(region, y, m, d, seq));

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

describe('normalizeIdNumber', () => {
  it('accepts a valid ID as given', () => {
    expect(normalizeIdNumber('11010519491231002X', { today: TODAY })).toEqual({
      id: '11010519491231002X',
      status: 'as_given',
    });
  });

  it('cleans lower-case x, full-width digits, blanks, dashes, tabs and quotes', () => {
    expect(normalizeIdNumber(' 110105-1949 1231-002x\t')).toEqual({
      id: '11010519491231002X',
      status: 'as_given',
    });
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２ｘ')).toEqual({
      id: '11010519491231002X',
      status: 'as_given',
    });
    expect(normalizeIdNumber("'11010519491231002X")).toEqual({
      id: '11010519491231002X',
      status: 'as_given',
    });
    expect(normalizeIdNumber('="11010519491231002X"')).toEqual({
      id: '11010519491231002X',
      status: 'as_given',
    });
  });

  it('upgrades 15-digit legacy numbers to 18 digits', () => {
    expect(normalizeIdNumber('110105491231002')).toEqual({ id: '11010519491231002X', status: 'repaired' });
    // A 15-digit number survives a numeric cell exactly.
    expect(normalizeIdNumber(110105491231002)).toEqual({ id: '11010519491231002X', status: 'repaired' });
  });

  it('marks spreadsheet-destroyed numbers as lost', () => {
    expect(normalizeIdNumber('4.30521E+17')).toEqual({ status: 'lost' });
    expect(normalizeIdNumber('4.30521199001011e17')).toEqual({ status: 'lost' });
    expect(normalizeIdNumber(Number('430521199001011234'))).toEqual({ status: 'lost' });
    // 430521199001011000: check of 43052119900101100 is not 0.
    expect(checkCharacter('43052119900101100')).not.toBe('0');
    expect(normalizeIdNumber('430521199001011000')).toEqual({ status: 'lost' });
  });

  it('reports the problem of invalid IDs', () => {
    expect(normalizeIdNumber('110105194912310021')).toEqual({ status: 'absent', problem: 'invalid_check' });
    expect(normalizeIdNumber('11010519490230002X')).toEqual({
      status: 'absent',
      problem: 'invalid_birth_date',
    });
    expect(normalizeIdNumber('110105189912310021')).toEqual({
      status: 'absent',
      problem: 'invalid_birth_date',
    });
    expect(normalizeIdNumber('12345')).toEqual({ status: 'absent', problem: 'bad_format' });
    expect(normalizeIdNumber('张三')).toEqual({ status: 'absent', problem: 'bad_format' });
    expect(normalizeIdNumber('110105491331002')).toEqual({ status: 'absent', problem: 'invalid_birth_date' });
  });

  it('rejects birth dates in the future', () => {
    const future = makeId('430521', 2030, 1, 1, '123');
    expect(normalizeIdNumber(future, { today: TODAY })).toEqual({
      status: 'absent',
      problem: 'invalid_birth_date',
    });
    const today = makeId('430521', 2024, 6, 30, '123');
    expect(normalizeIdNumber(today, { today: TODAY }).status).toBe('as_given');
  });

  it('treats empty values as absent', () => {
    expect(normalizeIdNumber(null)).toEqual({ status: 'absent' });
    expect(normalizeIdNumber(undefined)).toEqual({ status: 'absent' });
    expect(normalizeIdNumber('  　')).toEqual({ status: 'absent' });
  });
});

describe('normalizeIdNumber properties', () => {
  it('any valid 18-digit ID round-trips as given', () => {
    fc.assert(
      fc.property(validIdArb(), (id) => {
        expect(normalizeIdNumber(id)).toEqual({ id, status: 'as_given' });
        expect(isValidIdNumber(id)).toBe(true);
      }),
    );
  });

  it('any valid ID written with lower-case x, full-width digits, spaces or dashes normalizes back', () => {
    const noiseArb = fc.array(fc.constantFrom(' ', '-', '　', '\t', '－'), { minLength: 0, maxLength: 3 });
    fc.assert(
      fc.property(
        validIdArb(),
        fc.array(fc.tuple(fc.boolean(), noiseArb), { minLength: 18, maxLength: 18 }),
        (id, styles) => {
          const written = Array.from(id)
            .map((c, i) => {
              const [fullWidth, noise] = styles[i] as [boolean, string[]];
              const ch =
                c === 'X'
                  ? fullWidth
                    ? 'ｘ'
                    : 'x'
                  : fullWidth
                    ? (FULL_WIDTH_DIGITS[Number(c)] as string)
                    : c;
              return ch + noise.join('');
            })
            .join('');
          expect(normalizeIdNumber(written)).toEqual({ id, status: 'as_given' });
        },
      ),
    );
  });

  it('any valid 19xx ID downgraded to 15 digits upgrades back to it', () => {
    fc.assert(
      fc.property(validIdArb(1900, 1999), (id) => {
        const legacy = id.slice(0, 6) + id.slice(8, 17);
        expect(normalizeIdNumber(legacy)).toEqual({ id, status: 'repaired' });
      }),
    );
  });

  it('a valid ID in scientific notation or as a JS number is lost', () => {
    fc.assert(
      fc.property(validIdArb(), fc.integer({ min: 1, max: 14 }), (id, digits) => {
        const asNumber = Number(id.replace('X', '0'));
        expect(normalizeIdNumber(asNumber)).toEqual({ status: 'lost' });
        expect(normalizeIdNumber(asNumber.toExponential(digits).toUpperCase())).toEqual({ status: 'lost' });
      }),
    );
  });

  it('a valid ID whose last three digits became 000 is lost when that breaks the check, never repaired', () => {
    fc.assert(
      fc.property(validIdArb(), (id) => {
        const destroyed = `${id.slice(0, 15)}000`;
        fc.pre(checkCharacter(destroyed.slice(0, 17)) !== '0');
        const result = normalizeIdNumber(destroyed);
        expect(result.status).toBe('lost');
        expect(result.id).toBeUndefined();
      }),
    );
  });

  it('a single changed digit is never accepted as a different valid ID', () => {
    fc.assert(
      fc.property(
        validIdArb(),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (id, pos, delta) => {
          const digit = (Number(id[pos]) + delta) % 10;
          const typo = id.slice(0, pos) + digit + id.slice(pos + 1);
          const result = normalizeIdNumber(typo);
          // MOD 11-2 detects every single-digit error.
          expect(result.id).toBeUndefined();
        },
      ),
    );
  });
});

describe('ID helpers', () => {
  it('masks all but the region and the last four characters', () => {
    expect(maskIdNumber('430521199001011234')).toBe('430521********1234');
    expect(maskIdNumber('1234')).toBe('****');
  });

  it('reads birth date and gender', () => {
    expect(birthDateOf('11010519491231002X')).toBe('1949-12-31');
    expect(genderOf('11010519491231002X')).toBe('女');
    expect(genderOf(makeId('430521', 1990, 1, 1, '011'))).toBe('男');
    expect(birthDateOf('bad')).toBeUndefined();
    expect(genderOf('bad')).toBeUndefined();
  });
});

describe('birth dates of IDs', () => {
  it('are calendar dates from 1900 up to today, leap days and month ends included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1890, max: 2030 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const first17 = `110105${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}123`;
          const id = first17 + checkCharacter(first17);
          const date = new Date(Date.UTC(year, month - 1, day));
          const real =
            year >= 1900 &&
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            date.getUTCMonth() === month - 1 &&
            date.getTime() <= Date.UTC(2024, 5, 30);
          expect(normalizeIdNumber(id, { today: TODAY }).status).toBe(real ? 'as_given' : 'absent');
        },
      ),
      { numRuns: 3000 },
    );
    // Without a given day: today's date, whatever it is, is not in the future.
    const now = new Date();
    const first17 = `110105${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}123`;
    expect(normalizeIdNumber(first17 + checkCharacter(first17)).status).toBe('as_given');
  });
});
