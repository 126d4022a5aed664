/**
 * Loading the functions directory: every `.js`, `.mjs`, `.ts` or `.mts` file at its top level
 * (not `*.d.ts`, not names starting with `_` or `.`) is a module exporting exactly one function,
 * the calculation. Modules are imported in a worker (with a time limit), never on the server's
 * thread; their declarations are checked here. A broken module stops the server from starting,
 * with the file named, rather than failing later for a holder.
 *
 * @internal
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CALCULATION_NAME, type CalculationInfo, type CalculationLimits, GRANT_NAME } from './calculation.js';
import type { DiscoveredModule } from './discover-worker.js';
import { type ArgumentSchema, checkSchema } from './schema.js';
import { isTypeScript, spawnWorker } from './worker-spawn.js';

/** How long importing the modules may take, in ms. */
export const DISCOVERY_TIMEOUT_MS = 20_000;

/** A calculation with the `file:` URL of its module. */
export type RegisteredCalculation = CalculationInfo & { readonly url: string };

/** The loaded functions directory. */
export interface FunctionsDirectory {
  /** Absolute path. */
  readonly dir: string;
  /** Calculations by name. */
  readonly calculations: ReadonlyMap<string, RegisteredCalculation>;
  /** Whether any module is TypeScript (workers then load tsx). */
  readonly typeScript: boolean;
}

const MODULE_FILE = /^[^._][^/]*\.(?:js|mjs|ts|mts)$/;

function grantNames(value: unknown, where: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && GRANT_NAME.test(name)))
    throw new TypeError(`${where} must be an array of grant names (letters, digits, "_", "-")`);
  return Object.freeze([...new Set(value as string[])]);
}

function limitsOf(value: unknown, where: string): CalculationLimits {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where} must be an object`);
  const { timeoutMs, memoryMb, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new TypeError(`${where}: only timeoutMs and memoryMb are known`);
  const positive = (n: unknown, name: string) => {
    if (n !== undefined && (!Number.isSafeInteger(n) || (n as number) <= 0))
      throw new TypeError(`${where}.${name} must be a positive integer`);
    return n as number | undefined;
  };
  const timeout = positive(timeoutMs, 'timeoutMs');
  const memory = positive(memoryMb, 'memoryMb');
  return {
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    ...(memory === undefined ? {} : { memoryMb: memory }),
  };
}

function describe(found: DiscoveredModule, url: string): RegisteredCalculation {
  const where = `functions/${found.file}`;
  if ('error' in found) throw new TypeError(`${where} could not be loaded: ${found.error}`);
  if (found.functions.length !== 1) {
    throw new TypeError(
      `${where} must export exactly one function (the calculation); it exports ${found.functions.length === 0 ? 'none' : found.functions.join(', ')}`,
    );
  }
  const name = found.functions[0] as string;
  if (!CALCULATION_NAME.test(name))
    throw new TypeError(`${where}: the name ${JSON.stringify(name)} is not allowed`);
  const { schema, inputs, outputs, limits, description } = found.declared;
  let checked: ArgumentSchema = { type: 'object' };
  if (schema !== undefined) {
    checked = checkSchema(schema, `${where} schema`);
    if (checked.type !== undefined && checked.type !== 'object')
      throw new TypeError(`${where} schema must describe an object (the arguments by name)`);
  }
  if (description !== undefined && typeof description !== 'string')
    throw new TypeError(`${where} description must be a string`);
  const declaredInputs = grantNames(inputs, `${where} inputs`);
  const declaredOutputs = grantNames(outputs, `${where} outputs`);
  return Object.freeze({
    name,
    file: found.file,
    url,
    schema: checked,
    limits: limitsOf(limits, `${where} limits`),
    ...(typeof description === 'string' ? { description: description.slice(0, 1000) } : {}),
    ...(declaredInputs === undefined ? {} : { inputs: declaredInputs }),
    ...(declaredOutputs === undefined ? {} : { outputs: declaredOutputs }),
  });
}

function importInWorker(
  modules: readonly { file: string; url: string }[],
  typeScript: boolean,
  timeoutMs: number,
): Promise<DiscoveredModule[]> {
  return new Promise((done, fail) => {
    const worker = spawnWorker('discover-worker', typeScript, {
      workerData: { modules },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      fail(new TypeError(`loading the functions modules took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    worker.once('message', (found: DiscoveredModule[]) => {
      clearTimeout(timer);
      void worker.terminate();
      done(found);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      fail(new TypeError(`loading the functions modules failed: ${error.message}`));
    });
    worker.once('exit', () => {
      clearTimeout(timer);
      fail(new TypeError('loading the functions modules stopped before reporting'));
    });
  });
}

/**
 * Load a functions directory.
 *
 * @param directory - the directory
 * @param options - `timeoutMs` for importing every module
 * @throws TypeError naming the file for a missing directory, a broken module or a bad declaration
 */
export async function loadFunctions(
  directory: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<FunctionsDirectory> {
  const dir = resolve(directory);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new TypeError('functions must name a directory');
  const files = (await readdir(dir))
    .filter((file) => MODULE_FILE.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const modules = files.map((file) => ({ file, url: pathToFileURL(join(dir, file)).href }));
  const typeScript = files.some(isTypeScript);
  const calculations = new Map<string, RegisteredCalculation>();
  if (modules.length === 0) return { dir, calculations, typeScript };
  const found = await importInWorker(modules, typeScript, options.timeoutMs ?? DISCOVERY_TIMEOUT_MS);
  for (const [index, result] of found.entries()) {
    const calculation = describe(result, (modules[index] as { url: string }).url);
    const clash = calculations.get(calculation.name);
    if (clash !== undefined) {
      throw new TypeError(
        `functions/${calculation.file} and functions/${clash.file} both export ${JSON.stringify(calculation.name)}`,
      );
    }
    calculations.set(calculation.name, calculation);
  }
  return { dir, calculations, typeScript };
}
