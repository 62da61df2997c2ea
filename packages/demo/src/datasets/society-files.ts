import { type Encoding, encodeText, renderCsv, writeAmount, writeDate } from '../format.js';
import { type IdForm, type IdNoise, writeId } from '../ids.js';
import type { Person } from '../population.js';
import type { Rng } from '../random.js';
import type {
  EntityRecord,
  InsuranceRecord,
  OfficialRecord,
  PayrollRecord,
  PovertyRecord,
  ProjectRecord,
  PropertyRecord,
  VehicleRecord,
  VoucherRecord,
} from '../records.js';
import { periodYears } from '../society/background.js';
import type { GeneratedFile, World } from '../world.js';

/** The rows of every dataset beyond registry, deaths and subsidies, as written. */
export interface SocietyRecords {
  readonly officials: OfficialRecord[];
  readonly payroll: PayrollRecord[];
  readonly insurance: InsuranceRecord[];
  readonly entities: EntityRecord[];
  readonly properties: PropertyRecord[];
  readonly vehicles: VehicleRecord[];
  readonly poverty: PovertyRecord[];
  readonly projects: ProjectRecord[];
  readonly vouchers: VoucherRecord[];
}

/**
 * How a reference database writes a person's ID: mostly clean, sometimes with blanks or a
 * lower-case x, and a few old 15-digit numbers (repairable). These systems never lose IDs:
 * a destroyed ID would have no village to fall back on.
 */
function referenceId(rng: Rng, person: Person, legacyShare: number): { text: string; form: IdForm } {
  if (person.id18.slice(6, 8) === '19' && rng.chance(legacyShare))
    return { text: writeId(person.id18, 'legacy15'), form: 'legacy15' };
  const noise: IdNoise =
    person.id18.endsWith('X') && rng.chance(0.5)
      ? 'lowerX'
      : rng.chance(0.03)
        ? rng.pick<IdNoise>(['spaces', 'padded', 'fullWidth'])
        : 'none';
  return { text: writeId(person.id18, 'valid', noise), form: 'valid' };
}

interface Table {
  readonly department: string;
  readonly kind: GeneratedFile['kind'];
  readonly fileName: string;
  readonly titles: readonly string[];
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly total?: readonly string[];
  readonly notes?: readonly string[];
  readonly encoding: Encoding;
}

function render(t: Table): { file: GeneratedFile; firstDataLine: number } {
  const { text, firstDataLine } = renderCsv({
    titles: t.titles,
    padTitles: t.encoding !== 'utf8',
    blankAfterTitles: t.titles.length > 0 && t.encoding === 'gbk',
    header: t.header,
    rows: t.rows,
    ...(t.total ? { total: t.total } : {}),
    notes: t.notes ?? [],
    quoteAll: false,
    eol: t.encoding === 'gbk' ? '\r\n' : '\n',
  });
  return {
    file: {
      department: t.department,
      kind: t.kind,
      fileName: t.fileName,
      body: encodeText(text, t.encoding),
    },
    firstDataLine,
  };
}

const ym = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/**
 * The files of the other departments: 公职人员 (organization), 财政供养人员 (finance), 社保缴费
 * (hrss), 市场主体 (market-supervision), 不动产登记 (natural-resources), 机动车登记 (police),
 * 建档立卡贫困人口 and 民生项目 (rural-revitalization), and each township's 村级财务.
 */
export function societyFiles(world: World, rng: Rng): { files: GeneratedFile[]; records: SocietyRecords } {
  const { society, county, months } = world;
  const first = months[0] as string;
  const last = months[months.length - 1] as string;
  const year = first.slice(0, 4);
  const files: GeneratedFile[] = [];
  const records: SocietyRecords = {
    officials: [],
    payroll: [],
    insurance: [],
    entities: [],
    properties: [],
    vehicles: [],
    poverty: [],
    projects: [],
    vouchers: [],
  };
  const add = <R>(t: Table, recs: readonly Omit<R, 'line' | 'fileName'>[], into: R[]): void => {
    const { file, firstDataLine } = render(t);
    files.push(file);
    recs.forEach((r, i) => {
      into.push({ ...r, fileName: t.fileName, line: firstDataLine + i } as R);
    });
  };

  // 公职人员: the organization department's roster of every public post, cadres included.
  {
    const fileName = `公职人员信息库_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<OfficialRecord, 'line' | 'fileName'>[] = [];
    for (const o of society.officials) {
      const id = referenceId(rng, o.person, 0.03);
      rows.push([
        String(rows.length + 1),
        o.person.name,
        o.person.gender === 'M' ? '男' : '女',
        id.text,
        o.employer,
        o.position,
        o.category,
        o.township?.name ?? '',
        o.village?.name ?? '',
        writeDate(o.start, 'iso'),
        o.end ? writeDate(o.end, 'iso') : '',
      ]);
      recs.push({
        idText: id.text,
        category: o.category,
        township: o.township?.name ?? '',
        ...(o.village ? { village: o.village } : {}),
        start: o.start,
        ...(o.end ? { end: o.end } : {}),
      });
    }
    add(
      {
        department: 'organization',
        kind: 'public_officials',
        fileName,
        titles: [`${county.name}公职人员（含村干部）信息库`],
        header: [
          '序号',
          '姓名',
          '性别',
          '身份证号码',
          '工作单位',
          '职务',
          '人员类别',
          '乡镇',
          '村（社区）',
          '任职日期',
          '离职日期',
        ],
        rows,
        notes: [`数据截至${ym(last)}　中共${county.name}委组织部`],
        encoding: 'utf8-bom',
      },
      recs,
      records.officials,
    );
  }

  // 财政供养人员: the finance bureau's monthly payroll, one file for the period.
  {
    const fileName = `财政供养人员工资发放明细_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<PayrollRecord, 'line' | 'fileName'>[] = [];
    let total = 0;
    for (const month of months) {
      for (const e of society.payroll) {
        if (!e.months.includes(month)) continue;
        const id = referenceId(rng, e.person, 0.02);
        rows.push([
          String(rows.length + 1),
          e.person.name,
          id.text,
          e.employer,
          ym(month),
          writeAmount(e.monthlyFen, 'comma', 'gbk'),
        ]);
        recs.push({ idText: id.text, month });
        total += e.monthlyFen;
      }
    }
    add(
      {
        department: 'finance',
        kind: 'fiscal_payroll',
        fileName,
        titles: [`${county.name}财政供养人员工资统发明细表`, `所属期间：${ym(first)}至${ym(last)}　单位：元`],
        header: ['序号', '姓名', '身份证号', '工作单位', '发放月份', '应发工资'],
        rows,
        total: ['合计', '', '', '', '', writeAmount(total, 'comma', 'gbk')],
        encoding: 'gbk',
      },
      recs,
      records.payroll,
    );
  }

  // 社保缴费: hrss's contribution records, one row per person and month.
  {
    const fileName = `社会保险缴费明细_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<InsuranceRecord, 'line' | 'fileName'>[] = [];
    for (const e of society.insurance) {
      const id = referenceId(rng, e.person, 0.03);
      for (const [month, base] of e.bases) {
        rows.push([
          e.person.name,
          id.text,
          e.employer,
          month.replace('-', ''),
          writeAmount(base, 'decimal', 'utf8'),
        ]);
        recs.push({ idText: id.text, month, baseFen: base });
      }
    }
    add(
      {
        department: 'hrss',
        kind: 'social_insurance',
        fileName,
        titles: [],
        header: ['姓名', '公民身份号码', '参保单位', '费款所属期', '缴费基数'],
        rows,
        encoding: 'utf8',
      },
      recs,
      records.insurance,
    );
  }

  // 市场主体: market supervision's register; capital in 万元.
  {
    const fileName = `市场主体登记信息_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<EntityRecord, 'line' | 'fileName'>[] = [];
    for (const e of society.entities) {
      const id = referenceId(rng, e.legalRep, 0.02);
      const wan = e.capitalFen === null ? '' : String(e.capitalFen / 1_000_000);
      rows.push([
        e.creditCode,
        e.name,
        e.type,
        e.legalRep.name,
        id.text,
        wan,
        e.status,
        writeDate(e.established, 'slash'),
      ]);
      recs.push({
        creditCode: e.creditCode,
        entityName: e.name,
        legalRepIdText: id.text,
        capitalFen: e.capitalFen,
        status: e.status,
      });
    }
    add(
      {
        department: 'market-supervision',
        kind: 'market_entities',
        fileName,
        titles: [`${county.name}市场主体登记信息（导出）`],
        header: [
          '统一社会信用代码',
          '企业名称',
          '主体类型',
          '法定代表人',
          '法定代表人证件号码',
          '注册资本（万元）',
          '登记状态',
          '成立日期',
        ],
        rows,
        encoding: 'gbk',
      },
      recs,
      records.entities,
    );
  }

  // 不动产登记: natural resources' register.
  {
    const fileName = `不动产登记信息_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<PropertyRecord, 'line' | 'fileName'>[] = [];
    society.properties.forEach((pr, i) => {
      const id = referenceId(rng, pr.owner, 0.03);
      rows.push([
        `431199${String(100000 + i)}`,
        pr.owner.name,
        id.text,
        pr.address,
        pr.usage,
        pr.housingType,
        String(pr.areaSqm),
        writeDate(pr.registered, 'chinese'),
      ]);
      recs.push({
        ownerIdText: id.text,
        usage: pr.usage,
        housingType: pr.housingType,
        registered: pr.registered,
      });
    });
    add(
      {
        department: 'natural-resources',
        kind: 'property_records',
        fileName,
        titles: [`${county.name}不动产登记簿信息`, '提供单位：县自然资源局不动产登记中心'],
        header: [
          '不动产单元号',
          '权利人',
          '权利人证件号',
          '坐落',
          '用途',
          '房屋性质',
          '建筑面积（㎡）',
          '登记日期',
        ],
        rows,
        encoding: 'utf8-bom',
      },
      recs,
      records.properties,
    );
  }

  // 机动车登记: the traffic police's register.
  {
    const fileName = `机动车登记信息_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<VehicleRecord, 'line' | 'fileName'>[] = [];
    for (const v of society.vehicles) {
      const id = referenceId(rng, v.owner, 0.02);
      rows.push([
        v.plate,
        v.vehicleClass,
        v.owner.name,
        id.text,
        writeDate(v.registered, 'compact'),
        v.status,
      ]);
      recs.push({ ownerIdText: id.text, vehicleClass: v.vehicleClass, registered: v.registered });
    }
    add(
      {
        department: 'police',
        kind: 'vehicle_records',
        fileName,
        titles: [`${county.name}公安局交警大队机动车登记信息`],
        header: ['号牌号码', '车辆类型', '机动车所有人', '所有人证件号码', '初次登记日期', '机动车状态'],
        rows,
        encoding: 'gbk',
      },
      recs,
      records.vehicles,
    );
  }

  // 建档立卡贫困人口: every member of each registered household.
  {
    const fileName = `建档立卡贫困人口信息_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<PovertyRecord, 'line' | 'fileName'>[] = [];
    const sorted = [...society.poverty].sort((a, b) => (a.household.no < b.household.no ? -1 : 1));
    for (const ph of sorted) {
      for (const m of ph.household.members) {
        const id = referenceId(rng, m, 0.02);
        rows.push([
          ph.household.no,
          m.name,
          id.text,
          m.relation,
          ph.household.village.township.name,
          ph.household.village.name,
          ph.status,
          `${ph.identifiedYear}年`,
          ph.exitYear === undefined ? '' : String(ph.exitYear),
        ]);
        recs.push({
          householdNo: ph.household.no,
          idText: id.text,
          nameText: m.name,
          village: ph.household.village,
          status: ph.status,
          ...(ph.exitYear !== undefined ? { exitYear: ph.exitYear } : {}),
        });
      }
    }
    add(
      {
        department: 'rural-revitalization',
        kind: 'poverty_registry',
        fileName,
        titles: [`${county.name}建档立卡贫困户（含已脱贫户）成员信息`],
        header: [
          '户编号',
          '姓名',
          '证件号码',
          '与户主关系',
          '乡镇',
          '村',
          '脱贫状态',
          '识别年度',
          '脱贫年度',
        ],
        rows,
        notes: ['说明：脱贫年度为空表示尚未脱贫'],
        encoding: 'utf8-bom',
      },
      recs,
      records.poverty,
    );
  }

  // 民生项目: the project list; budgets in 万元; contractors by credit code or ID.
  {
    const fileName = `民生项目实施情况_${year}.csv`;
    const rows: string[][] = [];
    const recs: Omit<ProjectRecord, 'line' | 'fileName'>[] = [];
    for (const pj of society.projects) {
      const c = pj.contractor;
      const contractorName = c.kind === 'entity' ? c.entity.name : c.person.name;
      const contractorCode = c.kind === 'entity' ? c.entity.creditCode : referenceId(rng, c.person, 0).text;
      rows.push([
        pj.code,
        pj.name,
        pj.department,
        pj.township.name,
        pj.village?.name ?? '',
        String(pj.budgetFen / 1_000_000),
        pj.fundingSource,
        contractorName,
        contractorCode,
        pj.tenderMethod,
        writeDate(pj.start, 'iso'),
        writeDate(pj.end, 'iso'),
        pj.status,
      ]);
      recs.push({
        code: pj.code,
        township: pj.township.name,
        ...(pj.village ? { village: pj.village } : {}),
        budgetFen: pj.budgetFen,
        contractorName,
        contractorCode,
      });
    }
    add(
      {
        department: 'rural-revitalization',
        kind: 'livelihood_projects',
        fileName,
        titles: [`${county.name}${year}年民生项目实施情况表`],
        header: [
          '项目编号',
          '项目名称',
          '主管部门',
          '乡镇',
          '村',
          '项目预算（万元）',
          '资金来源',
          '承建单位',
          '承建单位代码',
          '招标方式',
          '开工日期',
          '竣工日期',
          '项目状态',
        ],
        rows,
        encoding: 'utf8',
      },
      recs,
      records.projects,
    );
  }

  // 村级财务: each township's accounting centre (村账乡代管) uploads its villages' books, per year.
  for (const t of county.townships) {
    for (const y of periodYears(months)) {
      const fileName = `${t.name}村级财务收支明细_${y}.csv`;
      const vouchers = society.vouchers
        .filter((v) => v.village.township === t && v.date.startsWith(y))
        .sort((a, b) =>
          a.village.code !== b.village.code
            ? a.village.code < b.village.code
              ? -1
              : 1
            : a.date < b.date
              ? -1
              : a.date > b.date
                ? 1
                : 0,
        );
      if (vouchers.length === 0) continue;
      const rows: string[][] = [];
      const recs: Omit<VoucherRecord, 'line' | 'fileName'>[] = [];
      const seq = new Map<string, number>();
      for (const v of vouchers) {
        const month = v.date.slice(0, 7);
        const n = (seq.get(`${v.village.code}|${month}`) ?? 0) + 1;
        seq.set(`${v.village.code}|${month}`, n);
        const voucherNo = `记-${month.slice(5)}-${String(n).padStart(3, '0')}`;
        const counterparty = v.payee.kind === 'person' ? v.payee.person.name : v.payee.name;
        const idText =
          v.payee.kind === 'person' && v.payee.withId ? writeId(v.payee.person.id18, 'valid') : '';
        rows.push([
          v.village.township.name,
          v.village.name,
          voucherNo,
          writeDate(v.date, 'iso'),
          v.direction,
          v.category,
          v.summary,
          writeAmount(v.amountFen, 'decimal', 'utf8'),
          counterparty,
          idText,
          String(rng.int(1, 6)),
        ]);
        recs.push({
          village: v.village,
          voucherNo,
          date: v.date,
          direction: v.direction,
          category: v.category,
          amountFen: v.amountFen,
          counterparty,
          counterpartyIdText: idText,
        });
      }
      add(
        {
          department: `township-${t.code.slice(0, 9)}`,
          kind: 'village_finance',
          fileName,
          titles: [`${t.name}农村集体经济组织收支明细账（${y}年）`],
          header: [
            '乡镇',
            '村',
            '凭证号',
            '日期',
            '收支',
            '科目',
            '摘要',
            '金额',
            '对方户名',
            '对方证件号码',
            '附件张数',
          ],
          rows,
          notes: [`${t.name}农村集体“三资”代理服务中心`],
          encoding: 'utf8-bom',
        },
        recs,
        records.vouchers,
      );
    }
  }
  return { files, records };
}
