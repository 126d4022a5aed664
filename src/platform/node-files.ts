/**
 * The Node implementation of {@link LocalFiles} (also used on Deno and Bun).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, opendir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LocalFiles } from './files.js';

async function* walk(root: string, relative: string): AsyncGenerator<string> {
  let directory: Awaited<ReturnType<typeof opendir>>;
  try {
    directory = await opendir(relative === '' ? root : join(root, ...relative.split('/')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const names: { name: string; dir: boolean; file: boolean }[] = [];
  for await (const entry of directory) {
    names.push({ name: entry.name, dir: entry.isDirectory(), file: entry.isFile() });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.dir) yield* walk(root, path);
    else if (entry.file && !entry.name.startsWith('.parkit-tmp-')) yield path;
  }
}

/** Local files through `node:fs`. */
export const nodeFiles: LocalFiles = {
  async stat(path) {
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size, modified: info.mtimeMs } : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },

  readStream(path, range) {
    const stream = createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end });
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  },

  async writeAtomic(path, source, options = {}) {
    const target = resolve(path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(
      dirname(target),
      `.parkit-tmp-${basename(target)}-${randomBytes(6).toString('hex')}`,
    );
    const handle = await open(temporary, 'wx', 0o644);
    let written = 0;
    let done = false;
    try {
      if (source instanceof Uint8Array) {
        options.signal?.throwIfAborted();
        await handle.write(source);
        written = source.length;
        options.onProgress?.(written);
      } else {
        const reader = source.getReader();
        try {
          for (;;) {
            options.signal?.throwIfAborted();
            const { value, done: end } = await reader.read();
            if (end) break;
            await handle.write(value);
            written += value.length;
            options.onProgress?.(written);
          }
        } finally {
          reader.releaseLock();
        }
      }
      await handle.sync();
      await handle.close();
      await options.verify?.(written);
      options.signal?.throwIfAborted();
      await rename(temporary, target);
      done = true;
      return written;
    } finally {
      if (!done) {
        await handle.close().catch(() => undefined);
        await unlink(temporary).catch(() => undefined);
      }
    }
  },

  async remove(path) {
    try {
      const info = await lstat(path);
      if (!info.isFile()) return false;
      await unlink(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  },

  walk(root) {
    return walk(root, '');
  },

  fromFileUrl(url) {
    return fileURLToPath(url);
  },

  toFileUrl(path) {
    return pathToFileURL(resolve(path)).href;
  },

  join(root, relative) {
    const parts = relative.split('/');
    const joined = join(root, ...parts);
    if (!isAbsolute(joined) && isAbsolute(root)) throw new Error('path escaped its root');
    const normalisedRoot = resolve(root);
    if (resolve(joined) !== normalisedRoot && !resolve(joined).startsWith(normalisedRoot + sep)) {
      throw new Error('path escaped its root');
    }
    return joined;
  },
};
