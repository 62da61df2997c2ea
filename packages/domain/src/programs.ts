/** The subsidy program catalogue of CONTRACT.md §2. */
export interface Program {
  readonly code: string;
  readonly name: string;
  /** Other names departments write for the same program. */
  readonly aliases: readonly string[];
  /** Means-tested programs (低保, 特困, …) are what the eligibility rules look at. */
  readonly meansTested: boolean;
}

export const PROGRAMS: readonly Program[] = [
  {
    code: 'DIBAO_RURAL',
    name: '农村最低生活保障',
    aliases: ['农村低保', '农村低保金', '农村最低生活保障金', '农村居民最低生活保障', '农村低保救助'],
    meansTested: true,
  },
  {
    code: 'DIBAO_URBAN',
    name: '城市最低生活保障',
    aliases: [
      '城市低保',
      '城市低保金',
      '城镇低保',
      '城市最低生活保障金',
      '城市居民最低生活保障',
      '城镇最低生活保障',
    ],
    meansTested: true,
  },
  {
    code: 'TEKUN',
    name: '特困人员救助供养',
    aliases: [
      '特困供养',
      '特困人员供养',
      '五保',
      '五保供养',
      '特困救助',
      '特困供养金',
      '农村特困人员供养',
      '城市特困人员供养',
      '分散供养特困人员',
      '集中供养特困人员',
    ],
    meansTested: true,
  },
  {
    code: 'LINSHI',
    name: '临时救助',
    aliases: ['临时救助金', '临时困难救助', '临时救助资金'],
    meansTested: true,
  },
  {
    code: 'WEIFANG',
    name: '农村危房改造补助',
    aliases: ['危房改造', '危房改造补助', '农村危房改造'],
    meansTested: true,
  },
  {
    code: 'CANJI',
    name: '残疾人两项补贴',
    aliases: [
      '残疾人补贴',
      '困难残疾人生活补贴',
      '重度残疾人护理补贴',
      '残疾人两项补贴资金',
      '残疾人生活补贴',
      '残疾人护理补贴',
      '两项补贴',
    ],
    meansTested: false,
  },
  {
    code: 'GAOLING',
    name: '高龄津贴',
    aliases: ['高龄补贴', '高龄老人津贴', '高龄老人补贴', '高龄老人生活补贴', '老年人高龄津贴'],
    meansTested: false,
  },
  {
    code: 'GENGDI',
    name: '耕地地力保护补贴',
    aliases: ['耕地地力补贴', '耕地保护补贴', '种粮补贴', '耕地地力保护补贴资金', '农业支持保护补贴'],
    meansTested: false,
  },
  {
    code: 'YIMIN',
    name: '水库移民后期扶持',
    aliases: ['移民后扶', '水库移民补助', '水库移民后期扶持资金'],
    meansTested: false,
  },
  {
    code: 'YULU',
    name: '雨露计划',
    aliases: ['雨露计划补助', '雨露计划助学', '雨露计划补助资金', '雨露计划职业教育补助'],
    meansTested: false,
  },
];
