/**
 * `npm run bench [name…]`: run every benchmark (each `bench/<name>/main.ts`) or the named ones,
 * one after another in fresh processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = import.meta.dirname;
const available = readdirSync(root).filter((name) => existsSync(join(root, name, 'main.ts')));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, name, 'main.ts')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
  console.log();
}
process.exit(failed === 0 ? 0 : 1);
