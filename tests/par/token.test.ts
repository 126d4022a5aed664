import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, Par } from '../../src/index.js';
import { keyPair, makePar, SIGNED_URL } from '../helpers/fixtures.js';

let keys: Awaited<ReturnType<typeof keyPair>>;
let par: Par;
let token: string;
beforeAll(async () => {
  keys = await keyPair();
  par = await makePar(keys.recipient, { name: 'Q3 ✓ report' });
  token = par.toToken();
});

describe('toToken / fromToken', () => {
  it('is one line of lowercase letters and digits starting with par1', () => {
    expect(token).toMatch(/^par1[a-z2-7]+$/);
  });

  it('round-trips every field and the sealed secret', async () => {
    const back = Par.fromToken(token);
    expect(back.toJSON()).toEqual(par.toJSON());
    expect(await back.url(keys.identity)).toBe(SIGNED_URL);
  });

  it('survives line wrapping, indentation and case changes from mail and chat clients', () => {
    const wrapped = `  ${token.match(/.{1,76}/g)?.join('\r\n    ')}\n`;
    expect(Par.fromToken(wrapped).fingerprint()).toBe(par.fingerprint());
    expect(Par.fromToken(token.toUpperCase()).fingerprint()).toBe(par.fingerprint());
  });

  it('detects a truncated or damaged copy with a FormatError asking to copy it again', () => {
    expect(() => Par.fromToken(token.slice(0, -1))).toThrow(FormatError);
    const damaged = `${token.slice(0, 100)}${token[100] === 'a' ? 'b' : 'a'}${token.slice(101)}`;
    expect(() => Par.fromToken(damaged)).toThrow(/copy it again/);
  });

  it.each([
    ['not a token', /not a parkit token/],
    ['par1', /damaged/],
    ['par1!!!!', /damaged/],
    ['par2aaaa', /not a parkit token/],
  ])('rejects %j', (text, message) => {
    expect(() => Par.fromToken(text)).toThrow(message);
  });

  it('rejects non-strings and oversize text', () => {
    expect(() => Par.fromToken(42 as never)).toThrow(FormatError);
    expect(() => Par.fromToken(`par1${'a'.repeat(300_000)}`)).toThrow(/longer than/);
  });
});
