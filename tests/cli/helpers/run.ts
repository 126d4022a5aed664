/**
 * Running the built `parkit` (dist/cli/main.js, built once by tests/setup/build.ts) as a real
 * process, with its own HOME and identity.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built command. */
export const MAIN = resolve(import.meta.dirname, '../../../dist/cli/main.js');

/** What a run gave. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `parkit` to completion.
 *
 * @param args - its arguments
 * @param options - standard input, extra environment, working directory
 */
export function parkit(
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...args],
      {
        env: { ...process.env, PARKIT_IDENTITY: undefined, ...options.env },
        cwd: options.cwd,
        maxBuffer: 64 << 20,
        encoding: 'buffer',
      },
      (error, stdout, stderr) =>
        done({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout: stdout.toString('utf8'),
          stderr: stderr.toString('utf8'),
        }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Start `parkit` and leave it running (for `watch`).
 *
 * @param args - its arguments
 * @param env - extra environment
 */
export function spawnParkit(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, PARKIT_IDENTITY: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Write an identity to a fresh file and return its path.
 *
 * @param identity - the AGE-SECRET-KEY-1…
 */
export function identityFile(identity: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parkit-id-')), 'identity.txt');
  writeFileSync(path, `# test identity\n${identity}\n`, { mode: 0o600 });
  return path;
}
