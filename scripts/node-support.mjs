/**
 * Preloaded by the npm scripts (`node --import ./scripts/node-support.mjs …`) before anything
 * else. On Node.js 20 the AWS SDK for JavaScript prints a seven-line end-of-support notice in
 * every process; this turns that notice off with the SDK's documented switch
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) and prints one line instead, once per
 * Node.js version on this checkout. README "Node.js versions" says what changes and when.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  // Read by the SDK when its first client is created; child processes inherit it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const marker = join(
    fileURLToPath(new URL('../node_modules/.cache/jiandu', import.meta.url)),
    `node-support-notice-${process.versions.node}`,
  );
  if (!existsSync(marker)) {
    process.stderr.write(
      `注意：Node.js ${process.versions.node} 已停止维护；AWS SDK 自 2027 年 1 月起的新版本需要 Node.js 22 及以上（见 README「Node.js versions」）。此提示只显示一次。\n`,
    );
    try {
      mkdirSync(join(marker, '..'), { recursive: true });
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    } catch {
      // A read-only checkout shows the line again next time; nothing else depends on it.
    }
  }
}
