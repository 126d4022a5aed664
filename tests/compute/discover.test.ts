/**
 * Loading a functions directory: what counts as a module, and the clear refusals (naming the
 * file) for modules that export the wrong thing, declare a bad schema, clash, or fail to load —
 * imported in a worker, so even a module that hangs cannot stall the server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFunctions } from '../../src/server/compute/discover.js';
import { FUNCTIONS } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function directory(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parkit-functions-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('the functions directory', () => {
  it('registers one calculation per module, with its declarations', async () => {
    const loaded = await loadFunctions(FUNCTIONS);
    expect([...loaded.calculations.keys()].sort()).toEqual(
      ['checksumReport', 'crash', 'echo', 'hog', 'loop', 'quit', 'reach', 'slow', 'stubborn'].sort(),
    );
    expect(loaded.calculations.get('checksumReport')).toMatchObject({
      file: 'checksum-report.mjs',
      inputs: ['data'],
      outputs: ['reports'],
      limits: { timeoutMs: 60_000, memoryMb: 128 },
    });
    expect(loaded.calculations.get('quit')?.schema).toEqual({ type: 'object' });
  });

  it('skips what is not a module: other extensions, dot and underscore files, declarations', async () => {
    const dir = await directory({
      'a.mjs': 'export async function a() {}',
      '_helper.mjs': 'export const x = 1; export function b() {}',
      '.hidden.mjs': 'throw new Error("never loaded")',
      'notes.txt': 'hello',
      'types.d.ts': 'export declare function c(): void;',
    });
    expect([...(await loadFunctions(dir)).calculations.keys()]).toEqual(['a']);
  });

  it('refuses modules it cannot use, naming the file', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { 'two.mjs': 'export function one() {}\nexport function two() {}' },
        /functions\/two\.mjs must export exactly one function .*one, two/,
      ],
      [
        { 'none.mjs': 'export const schema = {}' },
        /functions\/none\.mjs must export exactly one function .*none/,
      ],
      [
        {
          'bad.mjs':
            'export const schema = { type: "object", properties: { a: { format: "uri" } } }; export function f() {}',
        },
        /functions\/bad\.mjs schema\.properties\.a: the keyword "format"/,
      ],
      [
        { 'arr.mjs': 'export const schema = { type: "array" }; export function f() {}' },
        /schema must describe an object/,
      ],
      [
        { 'lim.mjs': 'export const limits = { timeoutMs: -1 }; export function f() {}' },
        /limits\.timeoutMs must be a positive integer/,
      ],
      [
        { 'grants.mjs': 'export const inputs = ["bad name"]; export function f() {}' },
        /inputs must be an array of grant names/,
      ],
      [{ 'syntax.mjs': 'export function (' }, /functions\/syntax\.mjs could not be loaded: SyntaxError/],
      [
        { 'throws.mjs': 'throw new Error("boom at load")' },
        /functions\/throws\.mjs could not be loaded: Error: boom at load/,
      ],
      [
        { 'a.mjs': 'export function same() {}', 'b.mjs': 'export function same() {}' },
        /functions\/b\.mjs and functions\/a\.mjs both export "same"/,
      ],
    ];
    for (const [files, message] of cases) {
      await expect(loadFunctions(await directory(files)), Object.keys(files).join()).rejects.toThrow(message);
    }
    await expect(loadFunctions(join(tmpdir(), 'no-such-functions-dir'))).rejects.toThrow(
      'functions must name a directory',
    );
  });

  it('gives up on a module that never finishes loading, without blocking this thread', async () => {
    const dir = await directory({ 'hang.mjs': 'for (;;) {}\nexport function f() {}' });
    const started = Date.now();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    await expect(loadFunctions(dir, { timeoutMs: 800 })).rejects.toThrow(
      'loading the functions modules took longer than 800 ms',
    );
    clearInterval(ticker);
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
    expect(ticks).toBeGreaterThan(10); // this thread kept running meanwhile
  });
});
