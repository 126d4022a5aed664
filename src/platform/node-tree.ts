/**
 * The Node implementation of {@link LocalTree} (also used on Deno and Bun).
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { FormatError, PermissionError } from '../par/errors.js';
import type { LocalTree, StagingArea } from './tree.js';

async function kind(path: string): Promise<'missing' | 'directory' | 'file' | 'link' | 'other'> {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return 'link';
    if (info.isDirectory()) return 'directory';
    return info.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

function refuse(segments: readonly string[], why: string): never {
  throw new PermissionError(`refusing to write ${JSON.stringify(segments.join('/').slice(0, 200))}: ${why}`);
}

async function inside(root: string, segments: readonly string[], create = false): Promise<string> {
  let path = resolve(root);
  for (const [index, segment] of segments.entries()) {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('/')) {
      refuse(segments, 'not a plain relative path');
    }
    path = join(path, segment);
    const found = await kind(path);
    if (found === 'link') refuse(segments, 'it passes through a symbolic link');
    if (index < segments.length - 1) {
      if (found === 'missing' && create) {
        await mkdir(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      } else if (found !== 'directory' && found !== 'missing')
        refuse(segments, 'a parent is not a directory');
    } else if (found === 'other') refuse(segments, 'something other than a file is there');
  }
  return path;
}

async function stage(location: string): Promise<StagingArea> {
  const root = resolve(location);
  await mkdir(root, { recursive: true });
  if ((await kind(root)) !== 'directory')
    throw new PermissionError('the download location is not a directory');
  const staging = await mkdtemp(join(root, '.parkit-tmp-'));
  const files: string[][] = [];
  const directories: string[][] = [];
  let finished = false;
  const stagedPath = (segments: readonly string[]) => join(staging, ...segments);
  const parents = async (segments: readonly string[]) => {
    if (segments.length > 1) await mkdir(stagedPath(segments.slice(0, -1)), { recursive: true });
  };
  return {
    async writeFile(segments, chunks, options = {}) {
      await parents(segments);
      const handle = await open(stagedPath(segments), 'wx', 0o644).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST' || error.code === 'EISDIR') {
          throw new FormatError(`${JSON.stringify(segments.join('/').slice(0, 200))} appears twice`, {
            field: 'path',
          });
        }
        throw error;
      });
      let written = 0;
      try {
        for await (const chunk of chunks) {
          options.signal?.throwIfAborted();
          await handle.write(chunk);
          written += chunk.length;
          options.onProgress?.(written);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      files.push([...segments]);
      return written;
    },
    async makeDirectory(segments) {
      await mkdir(stagedPath(segments), { recursive: true });
      directories.push([...segments]);
    },
    readFile(segments) {
      return Readable.toWeb(createReadStream(stagedPath(segments))) as ReadableStream<Uint8Array>;
    },
    async commit() {
      for (const segments of directories) {
        const target = await inside(root, segments, true);
        const found = await kind(target);
        if (found === 'missing') await mkdir(target);
        else if (found !== 'directory') refuse(segments, 'a file is in the way of a directory');
      }
      for (const segments of files) {
        const target = await inside(root, segments, true);
        if ((await kind(target)) === 'directory') refuse(segments, 'a directory is in the way');
        await rename(stagedPath(segments), target);
      }
      finished = true;
      await rm(staging, { recursive: true, force: true });
    },
    async discard() {
      if (finished) return;
      finished = true;
      await rm(staging, { recursive: true, force: true });
    },
  };
}

/** Tree operations through `node:fs`. */
export const nodeTree: LocalTree = { stage, inside: (root, segments) => inside(root, segments) };
