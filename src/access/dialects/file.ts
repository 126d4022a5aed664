/**
 * The `file:` dialect: a local directory as a store (Acquire's testing driver). An object Par's
 * URL names a file; a bucket Par's URL names a directory whose files are its keys.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { NotFoundError } from '../../par/errors.js';
import { type LocalFileStat, type LocalFiles, localFiles } from '../../platform/files.js';
import type { BucketEndpoint, ListPage, ObjectEndpoint, ObjectStat } from '../endpoint.js';
import { checkPathSafeKey } from '../keys.js';
import type { Dialect } from './dialect.js';
import { pageOf } from './listing.js';

function toStat(info: LocalFileStat): ObjectStat {
  return {
    size: info.size,
    etag: `${info.size.toString(16)}-${Math.trunc(info.modified).toString(16)}`,
    lastModified: DateTime.fromMillis(Math.trunc(info.modified), { zone: 'utc' }),
  };
}

function fileObject(files: Promise<LocalFiles>, path: () => Promise<string>): ObjectEndpoint {
  const existing = async () => {
    const fs = await files;
    const where = await path();
    const info = await fs.stat(where);
    if (info === undefined) throw new NotFoundError('object not found');
    return { fs, where, info };
  };
  return {
    async read(request) {
      const { fs, where, info } = await existing();
      request.signal?.throwIfAborted();
      return { stat: toStat(info), body: fs.readStream(where, request.range) };
    },
    async stat() {
      return toStat((await existing()).info);
    },
    async write(body, request) {
      const fs = await files;
      const where = await path();
      await fs.writeAtomic(where, body, request.signal === undefined ? {} : { signal: request.signal });
      const info = await fs.stat(where);
      if (info === undefined) throw new NotFoundError('object vanished after writing');
      return toStat(info);
    },
    async remove() {
      const fs = await files;
      if (!(await fs.remove(await path()))) throw new NotFoundError('object not found');
    },
  };
}

function fileBucket(files: Promise<LocalFiles>, url: string): BucketEndpoint {
  const root = files.then((fs) => fs.fromFileUrl(url));
  return {
    object(key) {
      const safe = checkPathSafeKey(key);
      return fileObject(files, async () => (await files).join(await root, safe));
    },
    async list(request): Promise<ListPage> {
      const fs = await files;
      const directory = await root;
      const prefix = request.prefix ?? '';
      const keys = [];
      for await (const key of fs.walk(directory)) {
        request.signal?.throwIfAborted();
        if (key.startsWith(prefix)) keys.push({ key });
      }
      keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      // Page first, then stat only the page's objects.
      const page = pageOf(keys, request);
      const objects = [];
      for (const { key } of page.objects) {
        const info = await fs.stat(fs.join(directory, key));
        if (info !== undefined) objects.push({ key, ...toStat(info) });
      }
      return { ...page, objects };
    },
  };
}

/** The `file:` dialect. */
export const fileDialect: Dialect = {
  object(secret) {
    const files = localFiles();
    return fileObject(files, async () => (await files).fromFileUrl(secret));
  },
  bucket(secret) {
    return fileBucket(localFiles(), secret);
  },
};
