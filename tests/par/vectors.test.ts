/**
 * Golden vectors for the v1 formats (tests/vectors/par-format-v1.json, documented in
 * docs/format.md): canonical metadata, binding tag, fingerprint and token layout. Any change to
 * these formats breaks every token already handed out, so these values must never change.
 */
import { readFileSync } from 'node:fs';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { Par } from '../../src/index.js';

interface VectorCase {
  readonly description: string;
  readonly url: string;
  readonly canonicalMetadata: string;
  readonly bindingTag: string;
  readonly fingerprint: string;
  readonly token: string;
}
const vectors: { identity: string; recipient: string; cases: VectorCase[] } = JSON.parse(
  readFileSync(new URL('../vectors/par-format-v1.json', import.meta.url), 'utf8'),
);

// Independent re-implementations of the spec in docs/format.md, deliberately not importing parkit's.
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/g) ?? [])
    .map((chunk) => BASE32[Number.parseInt(chunk.padEnd(5, '0'), 2)])
    .join('');
}
function unbase32(text: string): Uint8Array {
  const bits = [...text].map((c) => BASE32.indexOf(c).toString(2).padStart(5, '0')).join('');
  return Uint8Array.from(bits.match(/.{8}/g) ?? [], (byte) => Number.parseInt(byte, 2));
}
const utf8 = (text: string) => new TextEncoder().encode(text);

describe.each(vectors.cases)('format v1 vector: $description', (vector) => {
  const par = Par.fromToken(vector.token, { now: () => DateTime.fromISO('2026-01-15T09:31:00.000Z') });

  it('decodes to the documented canonical metadata', () => {
    const meta = JSON.parse(vector.canonicalMetadata);
    expect(par.uid).toBe(meta.uid);
    expect(par.target).toEqual(meta.target);
    expect(par.permissions).toEqual(meta.permissions);
    expect(par.created.toISO()).toBe(meta.created);
    expect(par.expires.toISO()).toBe(meta.expires);
    expect(par.driver).toBe(meta.driver);
  });

  it('has the documented fingerprint, computed by the spec from metadata and binding tag', () => {
    expect(par.fingerprint()).toBe(vector.fingerprint);
    const digest = sha256(utf8(`parkit/fingerprint/v1\n${vector.canonicalMetadata}\n${vector.bindingTag}`));
    expect(base32(digest.subarray(0, 15))).toBe(vector.fingerprint);
  });

  it('has the documented binding tag: HMAC-SHA256 keyed by SHA-256 of the domain and the URL', () => {
    const key = sha256(utf8(`parkit/bind/v1\n${vector.url}`));
    const tag = hmac(sha256, key, utf8(vector.canonicalMetadata));
    expect(
      btoa(String.fromCharCode(...tag))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, ''),
    ).toBe(vector.bindingTag);
  });

  it('follows the documented token layout, with the binding tag and checksum in place', () => {
    const bytes = unbase32(vector.token.slice(4));
    const body = bytes.subarray(0, -4);
    expect(bytes.subarray(-4)).toEqual(sha256(body).subarray(0, 4));
    expect(body[0]).toBe(1);
    const metadata = utf8(vector.canonicalMetadata);
    let offset = 1;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = body[offset++] as number;
      length += (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    expect(length).toBe(metadata.length);
    expect(new TextDecoder().decode(body.subarray(offset, offset + length))).toBe(vector.canonicalMetadata);
    const tag = body.subarray(offset + length, offset + length + 32);
    expect(
      btoa(String.fromCharCode(...tag))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, ''),
    ).toBe(vector.bindingTag);
  });

  it('opens with the vector identity to the documented URL (binding verified)', async () => {
    expect(await par.url(vectors.identity)).toBe(vector.url);
  });

  it('re-encodes to the same token', () => {
    expect(par.toToken()).toBe(vector.token);
  });
});
