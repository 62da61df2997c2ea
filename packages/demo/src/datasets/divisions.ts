import { encodeText, renderCsv } from '../format.js';
import type { GeneratedFile, World } from '../world.js';

/** The county's 统计用区划代码 table, as the statistics bureau publishes it. */
export function divisionsFile(world: World): GeneratedFile {
  const { county } = world;
  const rows: string[][] = [[county.code, county.name, '县', '']];
  for (const t of county.townships) {
    rows.push([t.code, t.name, '乡镇', county.code]);
    for (const v of t.villages) rows.push([v.code, v.name, '村', t.code]);
  }
  const { text } = renderCsv({
    titles: [`${county.name}统计用区划代码和城乡划分代码`],
    padTitles: true,
    blankAfterTitles: false,
    header: ['统计用区划代码', '名称', '级别', '上级区划代码'],
    rows,
    notes: [],
    quoteAll: false,
    eol: '\r\n',
  });
  return {
    department: 'statistics',
    kind: 'divisions',
    fileName: `${county.name}统计用区划代码.csv`,
    body: encodeText(text, 'utf8-bom'),
  };
}
