import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
const entries = process.argv.slice(3); const bundleSdk = process.argv[2] === 'sdk';
const env = { PATH: process.env.PATH, AWS_REGION: 'cn-north-1', TABLE_NAME: 't', UPLOAD_BUCKET: 'u', DATA_BUCKET: 'd', STATE_MACHINE_ARN: 'arn:aws:states:x', JWT_ISSUER: 'https://x.example/i', JWT_AUDIENCE: 'a', JWKS_URL: 'https://x.example/j', LOG_LEVEL: 'ERROR' };
for (const e of entries) {
  const out = `/tmp/lb/${e.split('/').pop().replace('.ts','')}${bundleSdk?'-sdk':''}.mjs`;
  await esbuild.build({ entryPoints: [e], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, external: bundleSdk ? [] : ['@aws-sdk/*'], mainFields: ['module','main'], banner: {js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);"}, logLevel: 'error' });
  const times = [];
  for (let i = 0; i < 3; i++) times.push(execFileSync(process.execPath, ['--no-warnings','--input-type=module', '-e', `const c=process.cpuUsage(); const t=performance.now(); await import(${JSON.stringify(out)}); const u=process.cpuUsage(c); process.stdout.write((performance.now()-t).toFixed(0)+'/'+((u.user+u.system)/1000).toFixed(0))`], { env, cwd: '/tmp/lb' }).toString());
  console.log(e.padEnd(40), (statSync(out).size/1e6).toFixed(2), 'MB', times.join(' '));
}
