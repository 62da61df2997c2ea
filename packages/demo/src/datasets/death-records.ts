import { encodeText, renderCsv, writeDate } from '../format.js';
import { writeId } from '../ids.js';
import type { Person } from '../population.js';
import type { DeathRecord } from '../records.js';
import type { GeneratedFile, World } from '../world.js';

/**
 * Death records from two departments: the police (公安注销, hukou cancellations) and civil
 * affairs (火化, the funeral home's cremation register). A death may be in one or both.
 */
export function deathRecordFiles(world: World): { files: GeneratedFile[]; records: DeathRecord[] } {
  const { county, population, months } = world;
  const dead = population.persons
    .filter((p): p is Person & { death: NonNullable<Person['death']> } => p.death !== undefined)
    .sort((a, b) => (a.death.date < b.death.date ? -1 : a.death.date > b.death.date ? 1 : a.index - b.index));
  const lastYear = (months[months.length - 1] as string).slice(0, 4);
  const records: DeathRecord[] = [];
  const files: GeneratedFile[] = [];

  // Police: UTF-8 with BOM, slash dates, the cancellation date as 注销日期.
  {
    const fileName = `死亡注销人员名单_${lastYear}.csv`;
    const persons = dead.filter((p) => p.death.sources.includes('公安注销'));
    const rows = persons.map((p, i) => [
      String(i + 1),
      p.name,
      p.gender === 'M' ? '男' : '女',
      writeId(p.id18, 'valid'),
      p.household.address,
      writeDate(p.death.date, 'slash'),
      '死亡',
      '公安注销',
    ]);
    const { text, firstDataLine } = renderCsv({
      titles: [`${county.name}公安局死亡注销户口人员名单`],
      padTitles: true,
      blankAfterTitles: true,
      header: ['序号', '姓名', '性别', '公民身份号码', '户籍地址', '注销日期', '注销原因', '数据来源'],
      rows,
      notes: [`共${rows.length}人`],
      quoteAll: false,
      eol: '\r\n',
    });
    files.push({ department: 'police', kind: 'death_records', fileName, body: encodeText(text, 'utf8-bom') });
    for (const [i, r] of rows.entries()) {
      records.push({
        department: 'police',
        fileName,
        line: firstDataLine + i,
        idText: r[3] as string,
        date: (persons[i] as (typeof persons)[number]).death.date,
        source: '公安注销',
      });
    }
  }

  // Civil affairs: the funeral home's GBK export, Chinese dates.
  {
    const fileName = `殡葬火化信息_${lastYear}.csv`;
    const persons = dead.filter((p) => p.death.sources.includes('火化'));
    const rows = persons.map((p) => [
      p.name,
      writeId(p.id18, 'valid', p.id18.endsWith('X') ? 'lowerX' : 'none'),
      writeDate(p.death.date, 'chinese'),
      `${county.name}殡仪馆`,
      '火化',
    ]);
    const { text, firstDataLine } = renderCsv({
      titles: [`${county.name}殡仪馆火化人员登记表`, '填报单位：县民政局社会事务股'],
      padTitles: false,
      blankAfterTitles: false,
      header: ['姓名', '身份证号码', '死亡日期', '火化单位', '数据来源'],
      rows,
      notes: [],
      quoteAll: false,
      eol: '\r\n',
    });
    files.push({
      department: 'civil-affairs',
      kind: 'death_records',
      fileName,
      body: encodeText(text, 'gbk'),
    });
    for (const [i, r] of rows.entries()) {
      records.push({
        department: 'civil-affairs',
        fileName,
        line: firstDataLine + i,
        idText: r[1] as string,
        date: (persons[i] as (typeof persons)[number]).death.date,
        source: '火化',
      });
    }
  }
  return { files, records };
}
