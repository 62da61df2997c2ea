import { dateIn } from '../calendar.js';
import { encodeText, renderCsv } from '../format.js';
import type { Township, Village } from '../geography.js';
import type { Rng } from '../random.js';
import type { GeneratedFile, World } from '../world.js';

/** A notice as a township's 党务政务村务公开 register lists it. */
interface Notice {
  readonly level: '乡镇级' | '村级';
  readonly village?: Village;
  readonly category: '党务' | '政务' | '村务' | '财务';
  readonly title: string;
  readonly body: string;
  readonly date: string;
}

type Draft = Omit<Notice, 'level' | 'village' | 'date'>;

// What townships and villages post on their 公开栏. Bodies name places, programs and sums,
// never a person, an ID number or a phone number: the disclosure shows notices as published.
const TOWNSHIP_NOTICES: readonly ((t: Township, month: string) => Draft)[] = [
  (t, m) => ({
    category: '政务',
    title: `${t.name}${quarterOf(m)}民生资金发放情况公开`,
    body: `${t.name}本季度按时足额发放农村低保、特困供养、高龄津贴和残疾人两项补贴，各村发放名单已在村务公开栏张贴，群众如有疑问可向乡镇民政办反映。`,
  }),
  (t) => ({
    category: '党务',
    title: `${t.name}党委关于开展“三会一课”情况的通报`,
    body: `${t.name}党委对各村党支部“三会一课”、主题党日开展情况进行了检查，各支部按要求召开支部党员大会，会议记录齐全。下一步将继续加强基层党组织规范化建设。`,
  }),
  (t, m) => ({
    category: '政务',
    title: `${t.name}${Number(m.slice(5))}月耕地地力保护补贴申报通知`,
    body: `请各村于本月底前完成耕地地力保护补贴面积核实和申报，核实结果在村内公示七天无异议后报乡镇农业综合服务中心。`,
  }),
  (t) => ({
    category: '财务',
    title: `${t.name}村级转移支付资金分配公开`,
    body: `县财政下达${t.name}村级组织运转经费，按各村人口和面积分配到村，资金全部纳入村级财务统一核算，接受群众监督。`,
  }),
  (t) => ({
    category: '政务',
    title: `${t.name}民生监督举报渠道公告`,
    body: `群众发现民生资金被截留、挪用、优亲厚友等问题，可扫描村务公开栏上的二维码在线举报，也可到${t.name}纪委当面反映，举报人信息严格保密。`,
  }),
];

const VILLAGE_NOTICES: readonly ((v: Village, month: string) => Draft)[] = [
  (v, m) => ({
    category: '财务',
    title: `${v.name}${m.slice(0, 4)}年${quarterOf(m)}财务收支公开`,
    body: `${v.name}本季度收支明细已经村务监督委员会审核，收入主要为上级补助和集体资产租赁收入，支出主要为村道维修、办公费和水电费，明细见村级财务公开栏。`,
  }),
  (v) => ({
    category: '村务',
    title: `${v.name}低保评议结果公示`,
    body: `经${v.name}村民代表会议民主评议，新申请低保的家庭评议结果予以公示，公示期七天。对公示结果有异议的，可向村务监督委员会或${v.township.name}民政办反映。`,
  }),
  (v) => ({
    category: '村务',
    title: `${v.name}“一事一议”村道硬化项目公开`,
    body: `${v.name}村道硬化项目经村民代表会议表决通过，采取公开比选确定施工单位，工程进度和资金使用情况每月在村务公开栏更新。`,
  }),
  (v) => ({
    category: '党务',
    title: `${v.name}党支部发展党员公示`,
    body: `${v.name}党支部拟接收预备党员一名，经支部委员会审查和支部党员大会讨论，现予公示，公示期五个工作日，欢迎党员群众监督。`,
  }),
  (v) => ({
    category: '村务',
    title: `${v.name}集体经济收益分配方案`,
    body: `${v.name}集体经济组织年度收益分配方案经成员代表大会讨论通过，提取公积公益金后按成员份额分配，分配方案在村内张贴公示。`,
  }),
];

function quarterOf(month: string): string {
  return `第${'一二三四'[Math.floor((Number(month.slice(5)) - 1) / 3)]}季度`;
}

/**
 * 党务政务村务公开: each township's register of what it and its villages posted over the
 * period (three to four township notices and one to three per village), one file per township.
 */
export function noticeFiles(world: World, rng: Rng): GeneratedFile[] {
  const { county, months } = world;
  const draw = (): string => dateIn(rng.pick(months), rng.int(1, 28));
  return county.townships.map((t) => {
    const notices: Notice[] = [];
    for (const make of rng.shuffle(TOWNSHIP_NOTICES).slice(0, rng.int(3, 4))) {
      const date = draw();
      notices.push({ level: '乡镇级', date, ...make(t, date.slice(0, 7)) });
    }
    for (const v of t.villages)
      for (const make of rng.shuffle(VILLAGE_NOTICES).slice(0, rng.int(1, 3))) {
        const date = draw();
        notices.push({ level: '村级', village: v, date, ...make(v, date.slice(0, 7)) });
      }
    notices.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const { text } = renderCsv({
      titles: [],
      padTitles: false,
      blankAfterTitles: false,
      header: ['公开层级', '乡镇', '村', '公开类别', '标题', '内容', '公开日期'],
      rows: notices.map((n) => [n.level, t.name, n.village?.name ?? '', n.category, n.title, n.body, n.date]),
      notes: [],
      quoteAll: false,
      eol: '\n',
    });
    return {
      department: `township-${t.code.slice(0, 9)}`,
      kind: 'notices',
      fileName: `${t.name}党务政务村务公开_${months[0]?.slice(0, 4)}.csv`,
      body: encodeText(text, 'utf8-bom'),
    };
  });
}
