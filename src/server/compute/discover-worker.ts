/**
 * Worker entry that imports every functions module once and reports what each declares, so a
 * module's top-level code (however slow or broken) never runs on the server's own thread.
 *
 * @internal
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';

/** What the discovery worker is given. */
export interface DiscoverRequest {
  readonly modules: readonly { readonly file: string; readonly url: string }[];
}

/** What it reports for one module. */
export type DiscoveredModule =
  | {
      readonly file: string;
      readonly functions: readonly string[];
      readonly declared: Readonly<Record<string, unknown>>;
    }
  | { readonly file: string; readonly error: string };

const DECLARATIONS = ['schema', 'inputs', 'outputs', 'limits', 'description'] as const;

async function inspect(file: string, url: string): Promise<DiscoveredModule> {
  try {
    const module = (await import(url)) as Record<string, unknown>;
    const functions = Object.keys(module).filter((name) => typeof module[name] === 'function');
    const declared: Record<string, unknown> = {};
    for (const name of DECLARATIONS) {
      // JSON round trip: only data crosses back (functions and cycles are refused here).
      if (module[name] !== undefined) declared[name] = JSON.parse(JSON.stringify(module[name]));
    }
    return { file, functions, declared };
  } catch (error) {
    return { file, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const request = workerData as DiscoverRequest;
const found: DiscoveredModule[] = [];
for (const { file, url } of request.modules) found.push(await inspect(file, url));
parentPort?.postMessage(found);
