/**
 * A small tar writer for tests: ustar headers, pax records for long or non-ASCII names, and
 * the hostile entries a safe extractor must refuse (links, absolute paths, `..`).
 */
import { Buffer } from 'node:buffer';

/** One entry to write. */
export interface TarInput {
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo';
  content?: Uint8Array | string;
  linkTarget?: string;
}

const BLOCK = 512;

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(path: string, flag: string, size: number, link = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(path.slice(0, 99), 0, 'utf8');
  block.write(octal(flag === '5' ? 0o755 : 0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write('        ', 148);
  block.write(flag, 156);
  block.write(link.slice(0, 99), 157, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/**
 * A tar archive of the entries, ended by two zero blocks.
 *
 * @param entries - what to write, in order
 */
export function makeTar(entries: readonly TarInput[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const flag = { file: '0', directory: '5', symlink: '2', hardlink: '1', fifo: '6' }[type];
    const content = type === 'file' ? Buffer.from(entry.content ?? '') : Buffer.alloc(0);
    const needsPax = Buffer.byteLength(entry.path) > 99 || /[^\x20-\x7e]/.test(entry.path);
    if (needsPax) {
      const records = Buffer.from(paxRecord('path', entry.path));
      parts.push(header('PaxHeader', 'x', records.length), padded(records));
    }
    parts.push(header(entry.path, flag, content.length, entry.linkTarget ?? ''), padded(content));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return new Uint8Array(Buffer.concat(parts));
}
