/**
 * The staff command line (`npm run cli -- …`):
 *
 *   upload <folder>        upload `{department}/{kind}/<files>`, wait for the workflow, print quality
 *                          reports, then say the burst is complete and wait for its one collision
 *   complete               say the uploads are complete: the pending collision starts now
 *   leads export           write the lead export (CSV or XLSX)
 *   restore / confirm      bring a withdrawn version back / confirm a held snapshot
 *   runs failed / redrive  list failed workflow executions / redrive one from the step that failed
 *
 * `main` takes its argv, environment and output streams as arguments, so tests run it in-process.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMappingLines } from '@jiandu/ingest/mapping';
import { ApiClient } from './api.js';
import { collisionFailed, collisionJson, completeBurst, formatCollision } from './complete.js';
import { EXPORT_FORMATS, type ExportFormat, exportLeads } from './export.js';
import { LayoutError, planUpload } from './layout.js';
import { formatResult, formatSummary, resultJson } from './report.js';
import { failedRuns, redriveRun } from './runs.js';
import { resolveTarget, type Target, targetSpec } from './target.js';
import { uploadFolder } from './upload.js';

/** What the command line reads from and writes to. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Poll interval of the Step Functions API (tests shorten it); default 1 s. */
  readonly pollMs?: number;
}

/** Exit codes: 0 all good, 1 a file or request failed, 2 the command was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `用法：npm run cli -- <命令> [选项]

命令：
  upload <目录>         上传 {部门}/{数据类型}/<文件>（或 uploads/{部门}/{数据类型}/<文件>）结构的目录，
                        等待每个文件的处理流程结束，打印每个数据版本的质量报告；
                        然后告知平台本批上传已完成，等待覆盖全部上传数据类型的一次碰撞结束
      --map <列名=列>      指定列映射（可多次），如 --map 身份证明号码=owner_id；按部门和数据类型记住，
                          下个月同样列名的文件直接通过。也可在 {部门}/{数据类型}/列映射.txt 中逐行写 列名=列
  complete              告知平台上传已完成：待碰撞的数据立即开始一次碰撞（否则在上传静默一段时间后自动开始）
  restore <版本号> --reason <原因>   恢复已撤回的数据版本（恢复后重新碰撞）
  confirm <版本号> --reason <原因>   确认因数据大幅减少而暂不生效的快照（确认后生效并碰撞）
  runs failed           列出失败的处理流程（原因、文件、能否重新驱动）
  runs redrive <编号>   重新驱动一个失败的处理流程：从失败的步骤继续
  leads export          导出线索（CONTRACT.md §6）
      --format csv|xlsx   导出格式（默认 csv）
      --out <文件>         输出文件（必填）
      --rule <R01…>        按规则筛选
      --status <状态>      按状态筛选（new/assigned/verifying/confirmed/dismissed/superseded）
      --township <乡镇>    按乡镇筛选
      --min-score <0–100>  最低分（默认与线索列表相同，隐藏 20 分以下的线索；0 导出全部线索）
      --headers canonical  使用规范列名和代码（供程序读取；默认中文列名和说明）

连接（默认：本地平台 .jiandu/platform.json，由 npm start 写入）：
  --data <目录>          本地平台的数据目录（默认 .jiandu）
  --endpoint-file <文件> 本地平台的地址文件
  --profile <名称>       已部署的堆栈：AWS 配置名（~/.aws/config）
  --stack <前缀>         已部署的堆栈前缀（默认 Jiandu，即 Jiandu-Data/Jiandu-Pipeline/Jiandu-Api）
  --region <区域>        AWS 区域（默认取配置中的区域）
  --api-url <URL>        覆盖 API 地址
  --token <令牌>         API 令牌（或环境变量 JIANDU_TOKEN）

其他：
  --timeout <秒>         upload / complete 等待处理和碰撞的最长时间（默认 1800）
  --json                 upload、complete、runs failed 以 JSON 输出结果
  --help                 显示本帮助
`;

class UsageError extends Error {}

const OPTIONS = {
  data: { type: 'string' },
  'endpoint-file': { type: 'string' },
  profile: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  'api-url': { type: 'string' },
  token: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  rule: { type: 'string' },
  status: { type: 'string' },
  township: { type: 'string' },
  'min-score': { type: 'string' },
  headers: { type: 'string' },
  map: { type: 'string', multiple: true },
  reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function apiClient(target: Target, values: Values, env: CliIo['env']): ApiClient {
  const token = values.token ?? env.JIANDU_TOKEN ?? target.token;
  if (!token) throw new UsageError('需要 API 令牌：用 --token <令牌> 或环境变量 JIANDU_TOKEN 提供');
  return new ApiClient(values['api-url'] ?? target.apiUrl, token);
}

async function withTarget<T>(values: Values, run: (target: Target) => Promise<T>): Promise<T> {
  const target = await resolveTarget(
    targetSpec({
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values['endpoint-file'] !== undefined ? { endpointFile: values['endpoint-file'] } : {}),
      ...(values.profile !== undefined ? { profile: values.profile } : {}),
      ...(values.stack !== undefined ? { stack: values.stack } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
    }),
  );
  try {
    return await run(target);
  } finally {
    target.close();
  }
}

function timeoutMs(raw: string | undefined): number {
  if (raw === undefined) return 30 * 60_000;
  if (!/^\d+$/.test(raw) || Number(raw) === 0)
    throw new UsageError(`--timeout 必须是正整数（秒），而不是「${raw}」`);
  return Number(raw) * 1000;
}

async function upload(folder: string, values: Values, io: CliIo): Promise<number> {
  // The folder first: a wrong layout is reported before anything is uploaded (or connected to).
  let map: Record<string, string>;
  try {
    map = parseMappingLines(values.map ?? []);
  } catch (error) {
    throw new UsageError(`--map：${error instanceof Error ? error.message : String(error)}`);
  }
  const plan = planUpload(folder, map);
  const wait = timeoutMs(values.timeout);
  return withTarget(values, async (target) => {
    const api = apiClient(target, values, io.env);
    const say = (line: string) => (values.json ? io.stderr : io.stdout)(`${line}\n`);
    say(`上传到 ${target.description}：${plan.files.length} 个文件`);
    for (const path of plan.skipped) say(`跳过（不是 {部门}/{数据类型}/ 下的文件）：${path}`);
    const results = await uploadFolder(plan, {
      target,
      api,
      progress: say,
      timeoutMs: wait,
      ...(io.pollMs !== undefined ? { pollMs: io.pollMs } : {}),
    });
    // The folder is the burst: its new data is collided once, now, not after the quiet period.
    const registered = results.some((r) => r.outcome === 'new' || r.outcome === 'restored');
    const collision = registered
      ? await completeBurst({
          target,
          api,
          progress: say,
          timeoutMs: wait,
          ...(io.pollMs !== undefined ? { pollMs: io.pollMs } : {}),
        })
      : undefined;
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          { files: results.map(resultJson), ...(collision ? { collision: collisionJson(collision) } : {}) },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout('\n');
      for (const result of results) io.stdout(`${formatResult(result).join('\n')}\n`);
      io.stdout(`\n${formatSummary(results)}\n`);
      if (collision) io.stdout(`${formatCollision(collision).join('\n')}\n`);
    }
    // A held file needs the department to act: a batch job must notice.
    const fileFailed = results.some(
      (r) => r.outcome === 'rejected' || r.outcome === 'failed' || r.outcome === 'held',
    );
    return fileFailed || (collision !== undefined && collisionFailed(collision)) ? EXIT.failed : EXIT.ok;
  });
}

/** `complete`: the uploads are complete; start the pending collision and wait for it. */
async function complete(values: Values, io: CliIo): Promise<number> {
  const wait = timeoutMs(values.timeout);
  return withTarget(values, async (target) => {
    const collision = await completeBurst({
      target,
      api: apiClient(target, values, io.env),
      progress: (line) => io.stderr(`${line}\n`),
      timeoutMs: wait,
      ...(io.pollMs !== undefined ? { pollMs: io.pollMs } : {}),
    });
    io.stdout(
      values.json
        ? `${JSON.stringify(collisionJson(collision), null, 2)}\n`
        : `${formatCollision(collision).join('\n')}\n`,
    );
    return collisionFailed(collision) ? EXIT.failed : EXIT.ok;
  });
}

const VERSION_ACTIONS = { restore: '已恢复', confirm: '已确认' } as const;

/** `restore` / `confirm <versionId> --reason …`: the API's version actions, then a collision run. */
async function versionAction(
  action: keyof typeof VERSION_ACTIONS,
  versionId: string,
  values: Values,
  io: CliIo,
): Promise<number> {
  if (!/^v-[0-9a-f]{8,64}$/.test(versionId))
    throw new UsageError(`「${versionId}」不是数据版本号（形如 v-3f1c…）`);
  if (!values.reason) throw new UsageError(`${action} 需要 --reason <原因>`);
  const reason = values.reason;
  return withTarget(values, async (target) => {
    const api = apiClient(target, values, io.env);
    const answer = (await api.send('POST', `/api/v1/versions/${versionId}/${action}`, { reason })) as {
      version: { fileName: string; status: string };
      collision: { executionId?: string; message?: string };
    };
    io.stdout(
      `${VERSION_ACTIONS[action]} ${versionId}（${answer.version.fileName}），状态：${answer.version.status}
` +
        (answer.collision.executionId
          ? `已开始碰撞：${answer.collision.executionId}
`
          : `${answer.collision.message ?? ''}
`),
    );
    return EXIT.ok;
  });
}

async function leadsExport(values: Values, io: CliIo): Promise<number> {
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new UsageError(`--format 只能是 csv 或 xlsx，而不是「${values.format}」`);
  if (!values.out) throw new UsageError('leads export 需要 --out <文件>');
  if (values.headers !== undefined && values.headers !== 'canonical')
    throw new UsageError(`--headers 只能是 canonical（默认中文列名），而不是「${values.headers}」`);
  const minScore = values['min-score'];
  if (minScore !== undefined && !(/^\d{1,3}$/.test(minScore) && Number(minScore) <= 100))
    throw new UsageError(`--min-score 必须是 0 到 100 的整数，而不是「${minScore}」`);
  const out = values.out;
  return withTarget(values, async (target) => {
    const api = apiClient(target, values, io.env);
    const bytes = await exportLeads(api, {
      format,
      out,
      ...(values.rule !== undefined ? { rule: values.rule } : {}),
      ...(values.status !== undefined ? { status: values.status } : {}),
      ...(values.township !== undefined ? { township: values.township } : {}),
      ...(minScore !== undefined ? { minScore: Number(minScore) } : {}),
      ...(values.headers === 'canonical' ? { headers: 'canonical' as const } : {}),
    });
    io.stdout(`已导出线索到 ${out}（${format.toUpperCase()}，${bytes} 字节）\n`);
    return EXIT.ok;
  });
}

/** Run the command line; resolves to the exit code. Never throws. */
export async function main(io: CliIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...io.argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  try {
    if (command === 'upload') {
      if (rest.length !== 1)
        throw new UsageError('upload 需要且只需要一个目录：npm run cli -- upload <目录>');
      return await upload(rest[0] as string, values, io);
    }
    if (command === 'complete' && rest.length === 0) return await complete(values, io);
    if (command === 'leads' && rest[0] === 'export' && rest.length === 1)
      return await leadsExport(values, io);
    if (command === 'runs' && rest[0] === 'failed' && rest.length === 1)
      return await withTarget(values, async (target) => {
        io.stdout(await failedRuns(apiClient(target, values, io.env), values.json ?? false));
        return EXIT.ok;
      });
    if (command === 'runs' && rest[0] === 'redrive') {
      if (rest.length !== 2)
        throw new UsageError('runs redrive 需要一个执行编号：npm run cli -- runs redrive <编号>');
      const id = rest[1] as string;
      return await withTarget(values, async (target) => {
        io.stdout(await redriveRun(apiClient(target, values, io.env), id));
        return EXIT.ok;
      });
    }
    if ((command === 'restore' || command === 'confirm') && rest.length === 1)
      return await versionAction(command, rest[0] as string, values, io);
    throw new UsageError(`未知命令：${positionals.join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof LayoutError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`错误：${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

// Run only when executed directly (`npm run cli`), not when imported by tests.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
