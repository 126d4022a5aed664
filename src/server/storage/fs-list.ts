/**
 * Listing a bucket directory of the filesystem store in key order (UTF-8 byte order, as S3 and
 * OCI list), with prefix, start/end bounds, `/` grouping and a page limit. Subtrees that cannot
 * hold a key in range are never read.
 *
 * @internal
 * @module
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { etagOf } from './fs-meta.js';
import type { ListOptions, ListResult, ObjectInfo } from './store.js';

/**
 * Compare two keys by their UTF-8 bytes.
 *
 * @param a - a key
 * @param b - another key
 */
export function compareKeys(a: string, b: string): number {
  // Below U+D800, UTF-16 code unit order is code point order, which is UTF-8 byte order: most
  // keys compare as strings, without encoding both on every comparison of a sort.
  if (!UTF16_ORDER_DIFFERS.test(a) && !UTF16_ORDER_DIFFERS.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// Surrogates and U+E000–U+FFFF: where UTF-16 order and UTF-8 order can disagree.
const UTF16_ORDER_DIFFERS = /[\ud800-\uffff]/;

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return [];
    throw error;
  }
}

async function holdsAnyFile(dir: string): Promise<boolean> {
  for (const entry of await entries(dir)) {
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await holdsAnyFile(join(dir, entry.name)))) return true;
  }
  return false;
}

type Found =
  | { readonly kind: 'object'; readonly info: ObjectInfo }
  | { readonly kind: 'prefix'; readonly name: string };

/**
 * One page of keys under `root` (a bucket directory).
 *
 * @param root - the bucket directory
 * @param options - prefix, bounds, delimiter and limit (already validated)
 */
export async function listDirectory(root: string, options: ListOptions): Promise<ListResult> {
  const prefix = options.prefix ?? '';
  const start = options.start ?? '';
  const end = options.end;
  const found: Found[] = [];
  const wanted = options.limit + 1;
  // Start in the deepest directory the prefix fully names.
  const cut = prefix.lastIndexOf('/');
  const baseRelative = cut < 0 ? '' : prefix.slice(0, cut + 1);

  const visit = async (relative: string): Promise<boolean> => {
    const dir = relative === '' ? root : join(root, ...relative.slice(0, -1).split('/'));
    const named = (await entries(dir))
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => ({ entry, full: relative + entry.name + (entry.isDirectory() ? '/' : '') }))
      .sort((a, b) => compareKeys(a.full, b.full));
    for (const { entry, full } of named) {
      if (!full.startsWith(prefix) && !(entry.isDirectory() && prefix.startsWith(full))) continue;
      if (end !== undefined && compareKeys(full, end) >= 0) return false;
      if (entry.isDirectory()) {
        // Skip subtrees wholly before `start`.
        if (compareKeys(full, start) < 0 && !start.startsWith(full)) continue;
        if (options.delimiter === '/' && full.startsWith(prefix)) {
          // Grouped: one common prefix, reported only if some object lies below it.
          if (await holdsAnyFile(join(dir, entry.name))) {
            found.push({ kind: 'prefix', name: full });
            if (found.length >= wanted) return false;
          }
          continue;
        }
        if (!(await visit(full))) return false;
        continue;
      }
      if (compareKeys(full, start) < 0) continue;
      const stat = await lstat(join(dir, entry.name), { bigint: true }).catch(() => undefined);
      if (stat === undefined || !stat.isFile()) continue;
      found.push({
        kind: 'object',
        info: { key: full, size: Number(stat.size), etag: etagOf(stat), modified: Number(stat.mtimeMs) },
      });
      if (found.length >= wanted) return false;
    }
    return true;
  };
  await visit(baseRelative);

  const page = found.slice(0, options.limit);
  const after = found[options.limit];
  const objects: ObjectInfo[] = [];
  const prefixes: string[] = [];
  for (const item of page) {
    if (item.kind === 'object') objects.push(item.info);
    else prefixes.push(item.name);
  }
  const next = after === undefined ? undefined : after.kind === 'object' ? after.info.key : after.name;
  return { objects, prefixes, ...(next === undefined ? {} : { next }) };
}
