/**
 * Object metadata of the filesystem store (content type and digests) kept in a sidecar file
 * under `meta/` that names the exact file version it describes (inode, size, mtime in ns). A
 * sidecar that does not match the current data file is ignored, so data and metadata can never
 * mix between versions, even when two writers race or a crash falls between the two renames.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The identity of one file version. */
export interface FileVersion {
  readonly ino: bigint;
  readonly size: bigint | number;
  readonly mtimeNs: bigint;
}

/** What a sidecar records. */
export interface ObjectMeta {
  readonly contentType?: string;
  readonly sha256?: string;
  readonly md5?: string;
}

interface Sidecar extends ObjectMeta {
  readonly v: 1;
  readonly version: string;
}

/**
 * The etag of a file version: inode, size and mtime (ns). Every committed write is a new file
 * (renamed into place), so the tag changes with every write.
 *
 * @param version - the file's identity
 */
export function etagOf(version: FileVersion): string {
  return `${version.ino.toString(36)}-${BigInt(version.size).toString(36)}-${version.mtimeNs.toString(36)}`;
}

const MAX_CACHED = 20_000;

/**
 * Reads and writes sidecars. Reads are cached by file version: an entry is used only when the
 * data file still has exactly that version, so the cache can never serve stale metadata.
 */
export class MetaFiles {
  readonly #tmpDir: string;
  readonly #cache = new Map<string, { readonly version: string; readonly meta: ObjectMeta }>();

  /** @param tmpDir - where sidecars are written before being renamed into place */
  constructor(tmpDir: string) {
    this.#tmpDir = tmpDir;
  }

  /**
   * The metadata of `version` of the object whose sidecar is at `path`.
   *
   * @param path - sidecar path
   * @param version - the data file's current version
   * @param settled - whether no write of this key can be between its rename and its sidecar
   *   (the caller holds the key's lock): then a missing or other version's sidecar means `{}`,
   *   and is cached; otherwise it answers undefined, uncached, for the caller to ask again
   *   under the lock
   */
  async read(path: string, version: FileVersion, settled: boolean): Promise<ObjectMeta | undefined> {
    const tag = etagOf(version);
    const cached = this.#cache.get(path);
    if (cached?.version === tag) return cached.meta;
    let meta: ObjectMeta | undefined;
    try {
      const sidecar = JSON.parse(await readFile(path, 'utf8')) as Partial<Sidecar>;
      if (sidecar.v === 1 && sidecar.version === tag) {
        meta = {
          ...(typeof sidecar.contentType === 'string' ? { contentType: sidecar.contentType } : {}),
          ...(typeof sidecar.sha256 === 'string' ? { sha256: sidecar.sha256 } : {}),
          ...(typeof sidecar.md5 === 'string' ? { md5: sidecar.md5 } : {}),
        };
      }
    } catch {
      // No sidecar, or an unreadable one.
    }
    if (meta === undefined) {
      if (!settled) return undefined;
      // The version has no recorded metadata.
      meta = {};
    }
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(path, { version: tag, meta });
    return meta;
  }

  /**
   * Record the metadata of `version` (written to a temporary file, then renamed into place).
   *
   * @param path - sidecar path
   * @param version - the data file version described
   * @param meta - what to record
   */
  async write(path: string, version: FileVersion, meta: ObjectMeta): Promise<void> {
    const sidecar: Sidecar = { v: 1, version: etagOf(version), ...meta };
    const temp = join(this.#tmpDir, `meta-${randomBytes(12).toString('hex')}`);
    await writeFile(temp, JSON.stringify(sidecar), { mode: 0o600 });
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.#cache.set(path, { version: sidecar.version, meta });
  }

  /**
   * Forget a sidecar (the object was deleted).
   *
   * @param path - sidecar path
   */
  async remove(path: string): Promise<void> {
    this.#cache.delete(path);
    await rm(path, { force: true });
  }
}
