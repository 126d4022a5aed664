/**
 * Writing a tree of files below a download location without ever leaving it: paths are
 * resolved component by component and refused if one is a symbolic link, and archives are
 * extracted into a staging folder first, so that nothing partial is left when one fails. Like
 * `files.ts`, the Node implementation (`node-tree.ts`) is loaded only where files exist.
 *
 * @module
 */
import { NotSupportedError } from '../par/errors.js';
import { hasLocalFiles } from './files.js';

/** Options for writing one staged file. */
export interface StagedWriteOptions {
  readonly signal?: AbortSignal;
  /** Called with the bytes written so far. */
  readonly onProgress?: (written: number) => void;
}

/** A staging folder inside a location; {@link StagingArea.commit} moves its files into place. */
export interface StagingArea {
  /**
   * Write one file at already-checked relative path segments.
   *
   * @returns the number of bytes written
   * @throws FormatError when the same path is written twice
   */
  writeFile(
    segments: readonly string[],
    chunks: AsyncIterable<Uint8Array>,
    options?: StagedWriteOptions,
  ): Promise<number>;
  /** Create a directory (and its parents) at checked relative path segments. */
  makeDirectory(segments: readonly string[]): Promise<void>;
  /** Read back a staged file, for verification before commit. */
  readFile(segments: readonly string[]): ReadableStream<Uint8Array>;
  /**
   * Move every staged file and directory into the location (replacing files there), then
   * remove the staging folder.
   *
   * @throws PermissionError when a destination passes through a symbolic link
   */
  commit(): Promise<void>;
  /** Remove the staging folder and everything in it (safe to call twice). */
  discard(): Promise<void>;
}

/** Tree operations below a root. */
export interface LocalTree {
  /** Create (if needed) `location` and a fresh staging folder inside it. */
  stage(location: string): Promise<StagingArea>;
  /**
   * The native path of checked relative segments below `root`, refusing any existing component
   * (the last included) that is a symbolic link, or a parent that is not a directory. Creates
   * nothing.
   *
   * @throws PermissionError when the path passes through a symbolic link
   */
  inside(root: string, segments: readonly string[]): Promise<string>;
}

let loaded: Promise<LocalTree> | undefined;

/**
 * The tree operations of this runtime.
 *
 * @throws NotSupportedError in a browser or any runtime without file access
 */
export function localTree(): Promise<LocalTree> {
  if (!hasLocalFiles()) {
    return Promise.reject(new NotSupportedError('local files are not supported in this runtime'));
  }
  const specifier = './node-tree.js';
  loaded ??= (import(/* @vite-ignore */ specifier) as Promise<{ nodeTree: LocalTree }>).then(
    (m) => m.nodeTree,
  );
  return loaded;
}
