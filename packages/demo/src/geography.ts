import type { Rng } from './random.js';

/** A village (村) or neighbourhood (社区) of the demo county. */
export interface Village {
  /** 12-digit 统计用区划代码. */
  readonly code: string;
  /** Canonical name, e.g. `龙泉村` or `青山社区`. */
  readonly name: string;
  readonly type: 'village' | 'community';
  readonly township: Township;
}

/** A township (镇/乡) of the demo county. */
export interface Township {
  readonly code: string;
  readonly name: string;
  readonly villages: Village[];
}

/** The fictional county: its 6-digit ID area code and its divisions. */
export interface County {
  readonly name: string;
  /** Area code used in the first six digits of residents' ID numbers. */
  readonly areaCode: string;
  /** 12-digit 统计用区划代码 of the county itself. */
  readonly code: string;
  readonly townships: Township[];
}

/** Fictional county area code: 4311xx is not assigned to a real county. */
export const AREA_CODE = '431199';
export const COUNTY_NAME = '青山县';

// Township codes follow the statistics bureau's scheme: 1xx = 镇, 2xx = 乡.
const TOWNSHIPS: readonly { code: string; name: string; seat: string }[] = [
  { code: '100', name: '青山镇', seat: '青山社区' },
  { code: '101', name: '灰山港镇', seat: '港口社区' },
  { code: '200', name: '石门乡', seat: '' },
];

const VILLAGE_NAMES: readonly string[] = [
  '龙泉村',
  '桃花村',
  '白竹村',
  '杨柳村',
  '新塘村',
  '高桥村',
  '枫林村',
  '黄金村',
  '大坪村',
  '清水村',
  '花园村',
  '长冲村',
  '石桥村',
  '双江村',
  '金星村',
  '松柏村',
  '荷叶村',
  '马鞍村',
  '茶园村',
  '凤凰村',
  '白沙村',
  '竹山村',
  '三合村',
  '梅溪村',
  '向阳村',
  '田心村',
];

/**
 * Build the county's townships and villages. Village names are unique county-wide, so a
 * village name alone identifies the village (what the name + village fallback relies on).
 */
export function buildCounty(rng: Rng): County {
  const names = rng.shuffle(VILLAGE_NAMES);
  let nameIndex = 0;
  const townships: Township[] = [];
  for (const t of TOWNSHIPS) {
    const township: Township = { code: `${AREA_CODE}${t.code}000`, name: t.name, villages: [] };
    // 社区 (neighbourhood committees) take codes 001–199, 村 (village committees) 200 and up.
    if (t.seat !== '') {
      township.villages.push({ code: `${AREA_CODE}${t.code}001`, name: t.seat, type: 'community', township });
    }
    const count = rng.int(4, 6) - (t.seat === '' ? 0 : 1);
    for (let i = 0; i < count; i++) {
      const name = names[nameIndex++] as string;
      township.villages.push({
        code: `${AREA_CODE}${t.code}${String(201 + i).padStart(3, '0')}`,
        name,
        type: 'village',
        township,
      });
    }
    townships.push(township);
  }
  return { name: COUNTY_NAME, areaCode: AREA_CODE, code: `${AREA_CODE}000000`, townships };
}

/** All villages of the county, township by township. */
export function allVillages(county: County): Village[] {
  return county.townships.flatMap((t) => t.villages);
}
