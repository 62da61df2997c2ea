import { main } from '../../packages/cli/src/main.js';

/** What one staff CLI command printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the staff CLI in-process (as `npm run cli -- …` would), capturing its output. */
export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    pollMs: 100,
  });
  return { code, stdout, stderr };
}
