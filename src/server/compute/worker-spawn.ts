/**
 * Starting the compute service's worker threads. From the built package a worker runs its
 * compiled entry (`job-worker.js`, `discover-worker.js`) directly. When the server itself runs
 * from TypeScript sources (tests, `npm start`) or a functions module is TypeScript, the worker
 * first registers tsx's loader (when tsx is installed) and then imports its entry.
 *
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker entries of the compute service. */
export type WorkerEntry = 'job-worker' | 'discover-worker';

const fromSource = import.meta.url.endsWith('.ts');
let tsxApi: string | undefined;

/** Whether a module path needs a TypeScript loader. */
export function isTypeScript(path: string): boolean {
  return /\.(?:ts|mts)$/.test(path);
}

function tsxLoader(): string {
  if (tsxApi !== undefined) return tsxApi;
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('tsx/package.json');
  } catch {
    throw new TypeError(
      'TypeScript calculation modules need tsx installed (npm install tsx), or compile them to .js',
    );
  }
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports?.['./esm/api']?.import?.default;
  if (typeof exports !== 'string') throw new TypeError('the installed tsx has no ./esm/api entry');
  tsxApi = pathToFileURL(join(dirname(manifest), exports)).href;
  return tsxApi;
}

/**
 * Start a worker on one of the entries.
 *
 * @param entry - which worker
 * @param typeScript - whether it will import TypeScript modules
 * @param options - worker options (workerData, resourceLimits…)
 */
export function spawnWorker(entry: WorkerEntry, typeScript: boolean, options: WorkerOptions): Worker {
  const file = new URL(`./${entry}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource && !typeScript) return new Worker(file, options);
  const code = `import(${JSON.stringify(tsxLoader())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
