import type { Rng } from './random.js';

// Common surnames with rough relative frequencies, plus a few two-character ones.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 70],
  ['张', 68],
  ['刘', 54],
  ['陈', 46],
  ['杨', 32],
  ['黄', 24],
  ['赵', 22],
  ['吴', 20],
  ['周', 20],
  ['徐', 16],
  ['孙', 15],
  ['马', 14],
  ['朱', 13],
  ['胡', 13],
  ['郭', 12],
  ['何', 12],
  ['高', 11],
  ['林', 11],
  ['罗', 11],
  ['郑', 10],
  ['梁', 10],
  ['谢', 9],
  ['宋', 8],
  ['唐', 8],
  ['许', 7],
  ['韩', 7],
  ['冯', 7],
  ['邓', 7],
  ['曹', 7],
  ['彭', 7],
  ['曾', 6],
  ['肖', 6],
  ['田', 6],
  ['董', 6],
  ['袁', 5],
  ['潘', 5],
  ['蒋', 5],
  ['蔡', 5],
  ['余', 5],
  ['杜', 5],
  ['叶', 5],
  ['程', 5],
  ['苏', 4],
  ['魏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['沈', 4],
  ['姚', 4],
  ['卢', 4],
  ['姜', 3],
  ['钟', 3],
  ['谭', 3],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['石', 3],
  ['廖', 3],
  ['贺', 3],
  ['龚', 2],
  ['易', 2],
  ['文', 2],
  ['符', 2],
  ['向', 2],
  ['熊', 2],
  ['龙', 2],
  ['欧阳', 2],
  ['司马', 1],
  ['诸葛', 1],
  ['上官', 1],
  ['司徒', 1],
];

// Given-name characters by gender; older generations favour one-character names.
const MALE_CHARS = Array.from(
  '伟强军勇杰涛明超刚平辉华建国志文斌波宇浩俊鹏飞亮林峰磊洪海东春生德福贵荣成祥兴发才良新宏永庆忠胜伦',
);
const FEMALE_CHARS = Array.from(
  '芳娟敏静丽艳娜秀英桂兰玉珍霞燕红梅琴云莲凤洁慧萍婷雪琳丹颖倩佳欣怡月春花秋菊美淑惠素翠彩',
);
// Less common characters, only for villages that have used up a surname's common names.
const RARE_MALE_CHARS = [
  ...MALE_CHARS,
  ...Array.from(
    '毅坤铭晨昊博彬锋翔瑞凯锐豪旭阳嘉楠剑松柏江山川森鑫宁泽远航帆哲睿智诚信仁义正清源培基振威武雄健康泰安顺利金银钢铁树根光耀辰',
  ),
];
const RARE_FEMALE_CHARS = [
  ...FEMALE_CHARS,
  ...Array.from(
    '玲莉娇媛婉娴姗妍妮婕琪瑶璐瑾璇蓉蕾薇芬芸芝茜荷菲萱莹晶晴晓露霜雯韵馨悦欢曼宁岚巧希彤心思爱珊珠瑛琼香娥妹琦婵蝶筱柔依黛蕊虹瑜嫣娉',
  ),
];
const YOUNG_MALE = [
  '子轩',
  '浩然',
  '宇航',
  '俊杰',
  '梓豪',
  '一鸣',
  '博文',
  '思远',
  '天佑',
  '家乐',
  '宏宇',
  '明轩',
];
const YOUNG_FEMALE = [
  '梓涵',
  '欣怡',
  '雨涵',
  '诗琪',
  '可馨',
  '思彤',
  '佳怡',
  '紫萱',
  '一诺',
  '语嫣',
  '若曦',
  '梦瑶',
];

// Uyghur-style names: given name · father's given name.
const MINORITY_MALE = [
  '买买提',
  '艾力',
  '阿不都',
  '吐尔逊',
  '艾买提',
  '努尔',
  '伊力哈木',
  '阿迪力',
  '热合曼',
  '亚森',
];
const MINORITY_FEMALE = [
  '阿依古丽',
  '古丽米拉',
  '热依拉',
  '帕提古丽',
  '努尔古丽',
  '迪丽娜尔',
  '阿米娜',
  '再努尔',
];

/** A surname drawn by frequency. */
export function drawSurname(rng: Rng): string {
  return rng.weighted(SURNAMES);
}

/** A Han given name fitting the person's gender and birth year. */
export function drawGivenName(rng: Rng, gender: 'M' | 'F', birthYear: number): string {
  if (birthYear >= 2005 && rng.chance(0.5)) return rng.pick(gender === 'M' ? YOUNG_MALE : YOUNG_FEMALE);
  const chars = gender === 'M' ? MALE_CHARS : FEMALE_CHARS;
  const single = rng.chance(birthYear < 1960 ? 0.45 : 0.2);
  const first = rng.pick(chars);
  if (single) return first;
  return first + rng.pick(chars);
}

// Coprime to the number of two-character combinations (a prime above it), so the walk visits each once.
const WALK_STRIDE = 16_411;

/**
 * `surname` and a two-character given name that is not in `taken`, for a village that has used
 * up (nearly) every common name of that surname and gender: the combinations of a wider set of
 * characters, walked from a random start so the names still look drawn. Throws when even those
 * are all taken (a village far larger than any county's).
 */
export function unusedRareName(
  rng: Rng,
  surname: string,
  gender: 'M' | 'F',
  taken: ReadonlySet<string>,
): string {
  const chars = gender === 'M' ? RARE_MALE_CHARS : RARE_FEMALE_CHARS;
  const size = chars.length * chars.length;
  const start = rng.int(0, size - 1);
  for (let i = 0; i < size; i++) {
    const k = (start + i * WALK_STRIDE) % size;
    const name = `${surname}${chars[Math.floor(k / chars.length)]}${chars[k % chars.length]}`;
    if (!taken.has(name)) return name;
  }
  throw new Error(
    `every ${gender === 'M' ? 'male' : 'female'} name of surname ${surname} is taken in one village`,
  );
}

/** A minority given name (the part before `·`). */
export function drawMinorityGiven(rng: Rng, gender: 'M' | 'F'): string {
  return rng.pick(gender === 'M' ? MINORITY_MALE : MINORITY_FEMALE);
}

// Simplified → traditional for surnames whose traditional form converts back unambiguously;
// departments' older systems sometimes still output traditional characters.
const TRADITIONAL_SURNAMES: Readonly<Record<string, string>> = {
  张: '張',
  陈: '陳',
  刘: '劉',
  杨: '楊',
  黄: '黃',
  赵: '趙',
  吴: '吳',
  孙: '孫',
  郑: '鄭',
  谢: '謝',
  韩: '韓',
  冯: '馮',
  邓: '鄧',
  罗: '羅',
  许: '許',
};

/** The name with its surname in traditional characters, or `null` when it has no traditional form. */
export function traditionalSurname(name: string): string | null {
  const first = name.charAt(0);
  const trad = TRADITIONAL_SURNAMES[first];
  return trad === undefined ? null : trad + name.slice(1);
}

/** Comparison form of a name as written: blanks removed, middle dots unified. */
export function nameKey(written: string): string {
  return written.replace(/[\s\u3000]/g, '').replace(/[·•・．]/g, '·');
}

const SIMPLIFIED_SURNAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TRADITIONAL_SURNAMES).map(([simplified, traditional]) => [traditional, simplified]),
);

/**
 * Comparison form of a name as a data officer reads it (CONTRACT.md §5 R08): {@link nameKey},
 * and the traditional characters the county's older systems print turned back to simplified.
 */
export function comparableName(written: string): string {
  return Array.from(nameKey(written))
    .map((c) => SIMPLIFIED_SURNAMES[c] ?? c)
    .join('');
}
