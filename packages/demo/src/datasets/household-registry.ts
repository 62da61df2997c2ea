import { encodeText, renderCsv, writeDate } from '../format.js';
import { writeId } from '../ids.js';
import type { RegistryRecord } from '../records.js';
import { type GeneratedFile, inRegistry, type World } from '../world.js';

/**
 * The police household registry (户籍人口) snapshot taken on the first day of the period:
 * everyone not dead by then, household by household, head first. Exported from the police
 * system as GBK with Windows line ends; a few check characters come out as lower-case `x`.
 */
export function householdRegistryFile(world: World): { file: GeneratedFile; records: RegistryRecord[] } {
  const { county, population, startDate, rng } = world;
  const rows: string[][] = [];
  const records: RegistryRecord[] = [];
  // The police system lists households village by village.
  const households = [...population.households].sort((a, b) => (a.no < b.no ? -1 : a.no > b.no ? 1 : 0));
  for (const household of households) {
    for (const p of household.members) {
      if (!inRegistry(p, startDate)) continue;
      const idText = writeId(p.id18, 'valid', p.id18.endsWith('X') && rng.chance(0.3) ? 'lowerX' : 'none');
      rows.push([
        household.no,
        p.name,
        p.relation,
        p.gender === 'M' ? '男' : '女',
        p.ethnicity,
        writeDate(p.birth, 'compact'),
        idText,
        household.village.township.name,
        household.village.name,
        household.address,
      ]);
      records.push({ idText, nameText: p.name, village: household.village, householdNo: household.no });
    }
  }
  const snapshot = `${Number(startDate.slice(0, 4))}年${Number(startDate.slice(5, 7))}月${Number(startDate.slice(8, 10))}日`;
  const { text } = renderCsv({
    titles: [`${county.name}户籍人口信息（截至${snapshot}）`],
    padTitles: false,
    blankAfterTitles: false,
    header: [
      '户号',
      '姓名',
      '与户主关系',
      '性别',
      '民族',
      '出生日期',
      '公民身份号码',
      '乡镇（街道）',
      '村（社区）',
      '住址',
    ],
    rows,
    notes: [`导出单位：${county.name}公安局户政管理大队`],
    quoteAll: false,
    eol: '\r\n',
  });
  return {
    file: {
      department: 'police',
      kind: 'household_registry',
      fileName: `户籍人口信息_${startDate.replaceAll('-', '')}.csv`,
      body: encodeText(text, 'gbk'),
    },
    records,
  };
}
