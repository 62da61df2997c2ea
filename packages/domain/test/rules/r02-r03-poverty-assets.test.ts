import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG, resolveRuleConfig } from '../../src/config.js';
import { evaluatePoorWithProperty, poorWithPropertyRule } from '../../src/rules/r02-poor-with-property.js';
import { evaluatePoorWithVehicle, poorWithVehicleRule } from '../../src/rules/r03-poor-with-vehicle.js';
import { referenceOf } from '../../src/rules/reference.js';
import { payment, povertyMember, property, shard, validId, vehicle } from './fixtures.js';

const HEAD = validId('19600101', 11);
const SON = validId('19880303', 12);
const OTHER = validId('19700505', 13);

describe('R02 POOR_WITH_PROPERTY', () => {
  const household = [
    povertyMember({ id: HEAD, household: 'P001', name: '王大', relation: '户主' }),
    povertyMember({ id: SON, household: 'P001', name: '王小', relation: '子' }),
  ];

  it('fires for a member’s 商品房 and counts the means-tested payments of the whole household', () => {
    const findings = evaluatePoorWithProperty(
      shard([
        ...household,
        property({ id: SON, housingType: '商品房', usage: '住宅', date: '2019-05-01' }),
        payment({ id: HEAD, period: '2023-01', yuan: 300 }),
        payment({ id: SON, period: '2023-01', yuan: 200, program: 'TEKUN' }),
        payment({ id: SON, period: '2023-01', yuan: 999, program: 'GENGDI' }), // not means-tested
        payment({ id: OTHER, period: '2023-01', yuan: 400 }), // not a member
      ]),
      DEFAULT_RULE_CONFIG,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'R02',
      subjectKey: 'P001',
      idNumber: HEAD,
      name: '王大',
      village: '石门村',
      amount: 50_000,
      match: 'id',
    });
    expect(findings[0]?.evidence.map((e) => e.kind)).toEqual([
      'poverty_registry',
      'poverty_registry',
      'property_records',
      'subsidy_payments',
      'subsidy_payments',
    ]);
    expect(findings[0]?.reasons[0]).toContain('王小名下有商品房/住宅');
  });

  it('fires for 商业 usage, and not for 宅基地 or 自建房 housing', () => {
    const fires = (housingType: string, usage: string) =>
      evaluatePoorWithProperty(
        shard([...household, property({ id: HEAD, housingType, usage, date: '2018-01-01' })]),
        DEFAULT_RULE_CONFIG,
      ).length === 1;
    expect(fires('自建房', '商业')).toBe(true);
    expect(fires('宅基地', '住宅')).toBe(false);
    expect(fires('自建房', '住宅')).toBe(false);
  });

  it('counts property registered up to 31 Dec of the exit year, not after', () => {
    const exited = [
      povertyMember({ id: HEAD, household: 'P002', status: '已脱贫', exitYear: 2019 }),
      povertyMember({ id: SON, household: 'P002', relation: '子', status: '已脱贫', exitYear: 2019 }),
    ];
    const run = (date: string) =>
      evaluatePoorWithProperty(
        shard([...exited, property({ id: SON, housingType: '商品房', date })]),
        DEFAULT_RULE_CONFIG,
      );
    expect(run('2019-12-31')).toHaveLength(1);
    expect(run('2020-01-01')).toEqual([]);
  });

  it('ignores property of people outside poverty households and obeys the configuration', () => {
    const rows = [...household, property({ id: OTHER, housingType: '商品房' })];
    expect(evaluatePoorWithProperty(shard(rows), DEFAULT_RULE_CONFIG)).toEqual([]);
    const withSelfBuilt = [...household, property({ id: HEAD, housingType: '自建房' })];
    const config = resolveRuleConfig({ R02: { housingTypes: ['商品房', '自建房'] } });
    expect(evaluatePoorWithProperty(shard(withSelfBuilt), config)).toHaveLength(1);
    expect(
      evaluatePoorWithProperty(shard(withSelfBuilt), resolveRuleConfig({ R02: { enabled: false } })),
    ).toEqual([]);
  });

  it('combines partial findings of one household from different shards into what one pass gives', () => {
    const all = [
      ...household,
      property({ id: SON, housingType: '商品房' }),
      payment({ id: HEAD, period: '2023-01', yuan: 300 }),
      payment({ id: SON, period: '2023-02', yuan: 200 }),
    ];
    const [whole] = evaluatePoorWithProperty(shard(all), DEFAULT_RULE_CONFIG);
    // Each shard holds one member's own rows but sees the household through the reference.
    const reference = referenceOf(shard(all));
    const partial = (id: string) =>
      evaluatePoorWithProperty(
        { rows: (kind) => all.filter((row) => row.kind === kind && row.idNumber === id), reference },
        DEFAULT_RULE_CONFIG,
      );
    const partials = [...partial(HEAD), ...partial(SON)];
    expect(partials).toHaveLength(2);
    expect(partials.map((p) => p.amount).sort()).toEqual([20_000, 30_000]);
    expect(poorWithPropertyRule.combine?.(partials, DEFAULT_RULE_CONFIG)).toEqual(whole);
  });
});

describe('R03 POOR_WITH_VEHICLE', () => {
  const household = [povertyMember({ id: HEAD, household: 'P003' })];
  const fires = (vehicleClass: string) =>
    evaluatePoorWithVehicle(shard([...household, vehicle({ id: HEAD, vehicleClass })]), DEFAULT_RULE_CONFIG)
      .length === 1;

  it('fires for cars and trucks', () => {
    expect(fires('小型轿车')).toBe(true);
    expect(fires('重型货车')).toBe(true);
    const [finding] = evaluatePoorWithVehicle(
      shard([...household, vehicle({ id: HEAD, vehicleClass: '小型轿车', plate: '湘A88888' })]),
      DEFAULT_RULE_CONFIG,
    );
    expect(finding).toMatchObject({ rule: 'R03', subjectKey: 'P003', amount: 0 });
    expect(finding?.reasons[0]).toContain('小型轿车（湘A88888）');
  });

  it('never fires for motorcycles, 三轮汽车, 低速货车 or tractors', () => {
    for (const working of ['摩托车', '普通二轮摩托车', '三轮汽车', '低速货车', '拖拉机', '轮式拖拉机'])
      expect(fires(working), working).toBe(false);
  });

  it('reads vehicles only, and its own configuration', () => {
    expect(
      evaluatePoorWithVehicle(
        shard([...household, property({ id: HEAD, housingType: '商品房' })]),
        DEFAULT_RULE_CONFIG,
      ),
    ).toEqual([]);
    const config = resolveRuleConfig({ R03: { exemptVehicleClasses: [] } });
    expect(
      evaluatePoorWithVehicle(shard([...household, vehicle({ id: HEAD, vehicleClass: '摩托车' })]), config),
    ).toHaveLength(1);
    expect(poorWithVehicleRule.reads).toContain('vehicle_records');
  });
});
