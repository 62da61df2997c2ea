/**
 * How columns are recognised (issue 9 §2): the source systems' alias table (a test per kind),
 * placement by content with role words, the department's mapping, and the cases where the
 * platform must ask rather than guess.
 */
import { DATASET_KINDS } from '@jiandu/domain/kinds';
import { NeedsMappingError } from '@jiandu/ingest';
import { aliasLookup, cleanHeader } from '@jiandu/ingest/header';
import { SOURCE_ALIASES } from '@jiandu/ingest/source-aliases';
import { describe, expect, it } from 'vitest';
import { collect, id, utf8 } from './helpers.js';

const A = id('43119919580312001');
const B = id('43119919720505002');
const C = id('43119919851120003');

describe.each(DATASET_KINDS.map((kind) => [kind]))('source-system aliases of %s', (kind) => {
  it('every source-system name reads as its own column (none is shadowed by another column)', () => {
    const lookup = aliasLookup(kind);
    const wrong = Object.entries(SOURCE_ALIASES[kind]).flatMap(([column, aliases]) =>
      aliases
        .map((alias) => [alias, lookup.get(cleanHeader(alias).key)?.column.name] as const)
        .filter(([, found]) => found !== column)
        .map(([alias, found]) => `${alias} → ${found ?? '(none)'}, expected ${column}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('ID column variants of the national systems', () => {
  it.each([
    ['vehicle_records', '身份证明号码', 'owner_id'],
    ['vehicle_records', '机动车所有人身份证明号码', 'owner_id'],
    ['vehicle_records', 'SFZMHM', 'owner_id'],
    ['market_entities', '法定代表人证照号码', 'legal_rep_id'],
    ['market_entities', '经营者身份证件号码', 'legal_rep_id'],
    ['market_entities', '投资人公民身份号码', 'legal_rep_id'],
    ['property_records', '权利人身份证明号码', 'owner_id'],
    ['subsidy_payments', '补贴对象公民身份号码', 'id_number'],
    ['village_finance', '领款人证照号码', 'counterparty_id'],
    ['household_registry', 'GMSFHM', 'id_number'],
  ] as const)('%s: 「%s」 is %s', (kind, header, column) => {
    expect(aliasLookup(kind).get(cleanHeader(header).key)?.column.name).toBe(column);
  });
});

const vehicles = (idHeader: string, extra = '') =>
  utf8(
    [
      `号牌号码,机动车所有人,${idHeader},车辆类型${extra ? `,${extra}` : ''}`,
      `湘H·A1234,王建国,${A},小型轿车${extra ? `,${C}` : ''}`,
      `湘H·5B678,李秀英,${B},重型货车${extra ? `,${C}` : ''}`,
    ].join('\n'),
  );

describe('placing key columns by their content', () => {
  it('takes an unknown header whose cells are ID numbers as the only ID column of the kind', async () => {
    const { accepted, result } = await collect('vehicle_records', vehicles('持证人号'));
    expect(accepted.map((r) => r.values.owner_id)).toEqual([A, B]);
    expect(result.quality.columns).toContainEqual({ header: '持证人号', column: 'owner_id', how: 'content' });
    expect(result.quality.warnings).toContain('文件中列「持证人号」按内容识别为所有人证件号码(owner_id)');
  });

  it("places the market register's legal-representative ID instead of ignoring it (the trial's case)", async () => {
    const csv = [
      '统一社会信用代码,企业名称,法定代表人,法人证件,注册资本（万元）,登记状态',
      `92431199MA4L1234X7,青山镇建国农资店,王建国,${A},10,存续`,
      `91431199MA4L5678Y2,湖南青山建设工程有限公司,李秀英,${B},200,在业`,
    ].join('\n');
    const { accepted, result } = await collect('market_entities', utf8(csv));
    expect(accepted.map((r) => r.idNumber)).toEqual([A, B]);
    expect(result.quality.columns).toContainEqual({
      header: '法人证件',
      column: 'legal_rep_id',
      how: 'content',
    });
    expect(result.quality.warnings.join('\n')).not.toContain('未识别的列已忽略');
  });

  it('tolerates 10% of bad cells, but not more', async () => {
    const rows = (bad: number) =>
      utf8(
        [
          '号牌号码,机动车所有人,持证号,车辆类型',
          ...Array.from(
            { length: 10 },
            (_, i) => `湘H·A12${String(i).padStart(2, '0')},王建国,${i < bad ? '待补录' : A},小型轿车`,
          ),
        ].join('\n'),
      );
    expect((await collect('vehicle_records', rows(1))).result.quality.columns).toContainEqual({
      header: '持证号',
      column: 'owner_id',
      how: 'content',
    });
    // 2 of 10 cells are not IDs: not an ID column, and the file lacks its owner ID.
    await expect(collect('vehicle_records', rows(2))).rejects.toMatchObject({ code: 'missing_columns' });
  });

  it('decides between two ID columns by the role words of their headers', async () => {
    const csv = [
      '号牌号码,车辆类型,经办人号码,所有人号码,机动车所有人',
      `湘H·A1234,小型轿车,${C},${A},王建国`,
      `湘H·5B678,重型货车,${C},${B},李秀英`,
    ].join('\n');
    const { accepted, result } = await collect('vehicle_records', utf8(csv));
    expect(accepted.map((r) => r.values.owner_id)).toEqual([A, B]);
    // The clerk's column is not silently dropped: it is named in a warning.
    expect(result.quality.warnings.join('\n')).toContain('列「经办人号码」的内容是身份证号');
  });

  it('asks (needs_mapping) when two ID columns carry no role words', async () => {
    const csv = [
      '号牌号码,机动车所有人,号码一,号码二,车辆类型',
      `湘H·A1234,王建国,${A},${C},小型轿车`,
      `湘H·5B678,李秀英,${B},${C},重型货车`,
    ].join('\n');
    const error = await collect('vehicle_records', utf8(csv)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsMappingError);
    const held = error as NeedsMappingError;
    expect(held.candidates).toEqual(['号码一', '号码二']);
    expect(held.targets).toEqual(['owner_id']);
    expect(held.message).toContain('「号码一」「号码二」');
    expect(held.message).toContain('--map 号码一=owner_id');
  });

  it("asks when the only ID-like column is someone else's (经办人)", async () => {
    await expect(collect('vehicle_records', vehicles('经办人证号'))).rejects.toBeInstanceOf(
      NeedsMappingError,
    );
  });

  it('places a missing plate and name by content when the file has one candidate each', async () => {
    // No 车辆类型 either: the plate is the only column left to tell the vehicle.
    const csv = ['所有人证件号码,车主名,牌照', `${A},王建国,湘H·A1234`, `${B},李秀英,湘H·5B678`].join('\n');
    const { accepted, result } = await collect('vehicle_records', utf8(csv));
    expect(accepted[0]?.values).toMatchObject({ owner_name: '王建国', plate: '湘H·A1234' });
    expect(result.quality.columns?.filter((c) => c.how === 'content').map((c) => c.column)).toEqual([
      'owner_name',
      'plate',
    ]);
  });

  it('asks when two columns could be the missing amount', async () => {
    const csv = [
      '项目名称,姓名,身份证号,村,发放日期,应发,实发',
      `农村低保,王建国,${A},红星村,2023-07-05,1200,1100`,
    ].join('\n');
    const error = await collect('subsidy_payments', utf8(csv)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsMappingError);
    expect((error as NeedsMappingError).targets).toEqual(['amount']);
  });

  it('never takes a row-number column for the missing amount', async () => {
    const csv = [
      '序号,项目名称,姓名,身份证号,村,发放日期,本月应发',
      `1,农村低保,王建国,${A},红星村,2023-07-05,1200`,
    ].join('\n');
    const { accepted, result } = await collect('subsidy_payments', utf8(csv));
    expect(accepted[0]?.values.amount).toBe(120_000);
    expect(result.quality.columns).toContainEqual({ header: '本月应发', column: 'amount', how: 'content' });
  });

  it('never takes a relation or status column for a name', async () => {
    const csv = ['公民身份号码,成员,关系', `${A},王建国,户主`, `${B},李秀英,妻`].join('\n');
    const { accepted } = await collect('household_registry', utf8(csv));
    expect(accepted.map((r) => r.values.name)).toEqual(['王建国', '李秀英']);
  });
});

describe("the department's own mapping", () => {
  it('applies a stated mapping, and reports it as such', async () => {
    const csv = ['号牌号码,机动车所有人,号码一,号码二,车辆类型', `湘H·A1234,王建国,${A},${C},小型轿车`].join(
      '\n',
    );
    const { accepted, result } = await collect('vehicle_records', utf8(csv), 'v.csv', {
      columnMapping: { 号码一: 'owner_id', 号码二: 'ignore' },
    });
    expect(accepted[0]?.values.owner_id).toBe(A);
    expect(result.quality.columns).toContainEqual({ header: '号码一', column: 'owner_id', how: 'mapping' });
    // Ignored on purpose: neither an "unrecognised column" hint nor an ID warning.
    expect(result.quality.warnings).toEqual([]);
  });

  it('beats the alias table, and matches headers as aliases are matched (brackets, blanks)', async () => {
    const csv = [
      '号牌号码,机动车所有人,证件号码,车辆类型,车主 证件（号码）',
      `湘H·A1234,王建国,${C},小型轿车,${A}`,
    ].join('\n');
    const { accepted } = await collect('vehicle_records', utf8(csv), 'v.csv', {
      columnMapping: { 车主证件: 'owner_id', 证件号码: 'ignore' },
    });
    expect(accepted[0]?.values.owner_id).toBe(A);
  });
});
