/**
 * 数据: upload a file (presigned PUT with progress), versions with their quality reports and
 * rejected rows, withdraw / replace / restore / confirm with a reason, the progress board and
 * the correction tasks to answer.
 */

import type { ProgressEntry } from '@jiandu/domain/datasets/progress';
import type { CorrectionTask } from '@jiandu/domain/leads/workflow';
import { allowed, get, post, query, request, type Version } from '../api';
import { currentSession } from '../auth';
import {
  actionForm,
  type Child,
  field,
  h,
  heading,
  mount,
  notice,
  section,
  select,
  table,
  when,
} from '../dom';
import { KIND_LABELS, label, VERSION_ACTION_LABELS, VERSION_STATUS_LABELS } from '../labels';
import { href, navigate, type PageContext } from '../router';

interface UploadTicket {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly fileName: string;
}

/** PUT the file to the presigned URL with the signed headers, reporting progress. */
function putFile(ticket: UploadTicket, file: File, progress: HTMLProgressElement): Promise<void> {
  return new Promise((done, fail) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', ticket.url);
    for (const [name, value] of Object.entries(ticket.headers)) {
      // The browser sets Content-Length itself (from the body, which is exactly `size` bytes).
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? done()
        : fail(
            new Error(xhr.status === 412 ? '同名文件已存在，请换一个文件名' : `上传失败（${xhr.status}）`),
          );
    xhr.onerror = () => fail(new Error('上传失败：网络错误，请重试'));
    xhr.send(file);
  });
}

/** Wait until the platform has registered the uploaded file as a version (it reads it first). */
async function waitForVersion(
  fileName: string,
  kind: string,
  status: HTMLElement,
): Promise<Version | undefined> {
  for (let i = 0; i < 90; i += 1) {
    const { items } = await get<{ items: Version[] }>(`/api/v1/versions${query({ kind })}`);
    const found = items.filter((v) => v.fileName === fileName).at(-1);
    if (found) return found;
    status.textContent = `已上传，平台正在读取文件…（${i + 1} 秒）`;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/** The upload form; with `replaces` it replaces that version (a reason is required). */
function uploadForm(replaces?: Version): HTMLElement {
  const progress = h('progress', { max: 100, value: 0, 'aria-label': '上传进度' });
  const status = h('p', { role: 'status' });
  const kindOptions = Object.entries(KIND_LABELS) as [string, string][];
  const department = currentSession()?.department;
  const form = h(
    'form',
    { class: 'action', 'aria-label': replaces ? '替换此版本' : '上传文件' },
    replaces ? h('h3', null, '替换此版本') : null,
    replaces ? null : field('数据类型', select('kind', kindOptions, 'subsidy_payments')),
    department
      ? null
      : field(
          '部门代码',
          h('input', { name: 'department', autocomplete: 'off' }),
          '管理员代部门上传时填写，如 civil-affairs',
        ),
    field(
      '文件（CSV 或 XLSX）',
      h('input', { name: 'file', type: 'file', accept: '.csv,.xlsx', required: true }),
    ),
    replaces
      ? field('替换原因', h('input', { name: 'reason', required: true, minlength: 2, autocomplete: 'off' }))
      : null,
    h('button', { type: 'submit', class: 'primary' }, replaces ? '上传替换文件' : '上传'),
    progress,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) {
      mount(status, '请选择一个非空文件');
      return;
    }
    const kind = replaces?.kind ?? String(data.get('kind'));
    try {
      progress.value = 0;
      status.textContent = '正在申请上传…';
      const ticket = await post<UploadTicket>('/api/v1/uploads', {
        kind,
        fileName: file.name,
        size: file.size,
        ...(data.get('department') ? { department: String(data.get('department')).trim() } : {}),
        ...(replaces
          ? { replaces: replaces.versionId, reason: String(data.get('reason') ?? '').trim() }
          : {}),
      });
      status.textContent = '正在上传…';
      await putFile(ticket, file, progress);
      const version = await waitForVersion(ticket.fileName, kind, status);
      if (version) navigate(href(`data/${version.versionId}`));
      else status.textContent = '已上传。平台读取较慢，请稍后在版本列表中查看。';
    } catch (error) {
      mount(status, notice(error instanceof Error ? error.message : String(error), 'error'));
    }
  });
  return form;
}

function versionRows(items: readonly Version[]): Child[][] {
  return items.map((v) => [
    h('a', { href: href(`data/${v.versionId}`) }, v.fileName),
    v.kindLabel,
    v.department,
    when(v.receivedAt),
    label(VERSION_STATUS_LABELS, v.status),
    v.quality ? `${v.quality.accepted} / ${v.quality.rejected}` : v.error ? v.error.message : '—',
  ]);
}

/** The department data page. */
export async function dataPage({ query: q, main }: PageContext): Promise<void> {
  const kind = q.get('kind') ?? '';
  const [versions, progress, corrections] = await Promise.all([
    get<{ items: Version[] }>(`/api/v1/versions${query({ kind })}`),
    allowed('GET /api/v1/progress') ? get<{ items: ProgressEntry[] }>('/api/v1/progress') : undefined,
    allowed('GET /api/v1/corrections') ? get<{ items: CorrectionTask[] }>('/api/v1/corrections') : undefined,
  ]);
  const filter = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': '按数据类型筛选' },
    field(
      '数据类型',
      select('kind', [['', '全部'], ...(Object.entries(KIND_LABELS) as [string, string][])], kind),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, '筛选')),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    const k = String(new FormData(filter).get('kind') ?? '');
    navigate(href('data') + (k ? `?kind=${k}` : ''));
  });
  mount(
    main,
    heading('数据'),
    allowed('POST /api/v1/uploads') ? section('上传文件', uploadForm()) : null,
    section(
      '数据版本',
      filter,
      table(
        '数据版本（上传顺序，最新在后）',
        ['文件', '类型', '部门', '收到', '状态', '接收 / 拒收行'],
        versionRows(versions.items),
        '还没有数据版本',
      ),
    ),
    progress
      ? section(
          '报送进度',
          table(
            '报送进度（部门 × 数据类型）',
            ['部门', '数据类型', '最近收到', '版本数', '错误率', '下次应报', '状态'],
            progress.items.map((p) => [
              p.department,
              p.kindLabel,
              p.lastReceivedAt ? when(p.lastReceivedAt) : '从未报送',
              String(p.versions.total ?? ''),
              p.errorRate === null ? '—' : `${Math.round(p.errorRate * 1000) / 10}%`,
              p.nextDueAt ? p.nextDueAt.slice(0, 10) : '—',
              p.overdue
                ? `逾期 ${p.daysLate ?? ''} 天`
                : p.lastReceivedAt
                  ? '按时'
                  : p.expected
                    ? '缺报'
                    : '—',
            ]),
          ),
        )
      : null,
    corrections
      ? section(
          '更正任务',
          table(
            '更正任务（线索因源数据错误了结）',
            ['收到', '文件', '数据类型', '有误的行', '说明', '线索'],
            corrections.items.map((t) => [
              when(t.createdAt),
              h('a', { href: href(`data/${t.versionId}`) }, t.fileName),
              label(KIND_LABELS, t.kind),
              t.rows.map((r) => `第 ${r.row} 行${r.sheet ? `（${r.sheet}）` : ''}`).join('、') || '—',
              t.note,
              allowed('GET /api/v1/leads/:leadId')
                ? h('a', { href: href(`leads/${t.leadId}`) }, t.leadId)
                : t.leadId,
            ]),
            '没有待处理的更正任务',
          ),
        )
      : null,
  );
}

/** Parse the rejects CSV (RFC 4180, BOM) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const REJECT_PREVIEW = 200;

/** One version: quality report, rejected rows, history, and what its department may do. */
export async function versionPage({ params, main }: PageContext): Promise<void> {
  const id = params[0] ?? '';
  const draw = async (message?: HTMLElement) => {
    const v = await get<Version>(`/api/v1/versions/${id}`);
    let rejects: HTMLElement | null = null;
    if (v.links.rejects) {
      const rows = parseCsv(await (await request(v.links.rejects)).text());
      const [header = [], ...body] = rows;
      rejects = section(
        '拒收的行',
        table(
          `拒收的行（共 ${body.length} 行${body.length > REJECT_PREVIEW ? `，显示前 ${REJECT_PREVIEW} 行` : ''}）`,
          header,
          body.slice(0, REJECT_PREVIEW),
          '没有拒收的行',
        ),
      );
    }
    const owner = allowed('POST /api/v1/versions/:versionId/withdraw');
    const reasonForm = (action: 'withdraw' | 'restore' | 'confirm', title: string, done: string) => {
      const f = actionForm(
        title,
        title,
        [field('原因', h('input', { name: 'reason', required: true, minlength: 2, autocomplete: 'off' }))],
        async (data) => {
          try {
            const answer = await post<{ collision: { executionId?: string; message?: string } }>(
              `/api/v1/versions/${id}/${action}`,
              { reason: String(data.get('reason') ?? '').trim() },
            );
            await draw(
              notice(
                `${done}${answer.collision.message ? `（${answer.collision.message}）` : '，碰撞已启动，相关线索将随之更新'}`,
              ),
            );
          } catch (error) {
            f.append(notice(error instanceof Error ? error.message : String(error), 'error'));
          }
        },
      );
      return f;
    };
    const q = v.quality;
    mount(
      main,
      h('p', null, h('a', { href: href('data') }, '← 返回数据')),
      heading(`数据版本：${v.fileName}`),
      message ?? null,
      h(
        'dl',
        { class: 'facts' },
        [
          ['版本', v.versionId],
          ['数据类型', v.kindLabel],
          ['部门', v.department],
          ['收到', when(v.receivedAt)],
          ['状态', label(VERSION_STATUS_LABELS, v.status)],
          ['说明', v.statusReason ?? v.error?.message ?? '—'],
        ].map(([k, val]) => [h('dt', null, k), h('dd', null, val)]),
      ),
      q
        ? section(
            '质量报告',
            table(
              '质量报告',
              ['读取行', '接收行', '拒收行', '修复身份证号', '无法识别身份证号'],
              [
                [
                  String(q.rowsRead),
                  String(q.accepted),
                  String(q.rejected),
                  String(q.idsRepaired),
                  String(q.idsLost),
                ],
              ],
            ),
            table(
              '拒收原因',
              ['原因', '行数'],
              Object.entries(q.rejectedByReason).map(([r, n]) => [r, String(n)]),
              '没有拒收',
            ),
            q.warnings.length
              ? h(
                  'ul',
                  null,
                  q.warnings.map((w) => h('li', null, w)),
                )
              : null,
          )
        : null,
      rejects,
      owner && v.status === 'active'
        ? section(
            '撤回或替换',
            h(
              'div',
              { class: 'action-forms' },
              reasonForm('withdraw', '撤回此版本', '已撤回'),
              uploadForm(v),
            ),
          )
        : null,
      owner && v.status === 'withdrawn'
        ? section('恢复', reasonForm('restore', '恢复此版本', '已恢复'))
        : null,
      owner && v.status === 'needs_confirmation'
        ? section('确认', reasonForm('confirm', '确认此版本', '已确认'))
        : null,
      section(
        '版本记录',
        table(
          '版本记录',
          ['时间', '人员', '操作', '原因'],
          v.history.map((e) => [
            when(e.at),
            e.byName ?? e.by,
            label(VERSION_ACTION_LABELS, e.action),
            e.reason ?? '—',
          ]),
          '没有记录',
        ),
      ),
    );
  };
  await draw();
}
