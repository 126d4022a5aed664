/**
 * The published shape: the core compiles without Node types (so a `node:*` import there fails
 * the build), the package passes publint and are-the-types-wrong, the API docs build without
 * warnings, the code is lint-clean, and the built bin runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
// The local binaries directly (npx adds npm's own warnings to the output).
const npx = ([tool, ...args]: string[]) =>
  run(join(root, 'node_modules/.bin', tool as string), args, { cwd: root, maxBuffer: 16 * 1024 * 1024 });

async function outcome(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await npx(args);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('package shape', () => {
  // One tarball, packed without lifecycle scripts (dist/ was built by the global setup; a
  // `prepare` rebuild here would race with other test files reading dist/).
  let tarball = '';
  beforeAll(async () => {
    const destination = mkdtempSync(join(tmpdir(), 'parkit-pack-'));
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', destination],
      {
        cwd: root,
      },
    );
    tarball = join(destination, JSON.parse(stdout)[0].filename);
  });

  it('the core type-checks without Node types', async () => {
    const result = await outcome(['tsc', '-p', 'tsconfig.core.json']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('a node:* import in the core fails the core build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parkit-core-'));
    writeFileSync(
      join(dir, 'probe.ts'),
      "import { readFile } from 'node:fs/promises';\nexport const probe = readFile;\n",
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.core.json'),
        include: [join(root, 'src/index.ts'), join(dir, 'probe.ts')],
      }),
    );
    const result = await outcome(['tsc', '-p', join(dir, 'tsconfig.json')]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/probe\.ts.*Cannot find module 'node:fs\/promises'/);
  });

  it('passes publint', async () => {
    const result = await outcome(['publint', 'run', tarball, '--strict']);
    expect(result.output).toMatch(/All good/);
    expect(result.code).toBe(0);
  });

  it('passes are-the-types-wrong for ESM consumers', async () => {
    const result = await outcome(['attw', tarball, '--profile', 'esm-only']);
    expect(result.code).toBe(0);
    expect(result.output).not.toMatch(/❌/);
  });

  it('builds the API docs with no warnings', async () => {
    const result = await outcome(['typedoc', '--out', mkdtempSync(join(tmpdir(), 'parkit-docs-'))]);
    expect(result.output).not.toMatch(/warning|error/i);
    expect(result.code).toBe(0);
  });

  it('is lint- and format-clean', async () => {
    const result = await outcome(['biome', 'check', '.']);
    expect(result.code).toBe(0);
  });

  it('ships a bin that runs', async () => {
    const { stdout } = await run('node', [join(root, 'dist/cli/main.js'), '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
