/**
 * parkit as users get it: the built package (`dist/`, made by `npm run build`, which
 * `bench/transfer/main.ts` runs first), not the TypeScript sources through a loader.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The built `dist/index.js`, typed as the sources it was built from. */
export async function loadParkit(): Promise<typeof import('../../src/index.js')> {
  const entry = join(import.meta.dirname, '../../dist/index.js');
  if (!existsSync(entry)) throw new Error('dist/ is missing: run npm run build first');
  return import(pathToFileURL(entry).href);
}
