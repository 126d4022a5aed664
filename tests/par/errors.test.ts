import { describe, expect, it } from 'vitest';
import {
  ExpiredError,
  FormatError,
  isParkitError,
  NotFoundError,
  ParkitError,
  TransferError,
} from '../../src/index.js';

describe('typed errors', () => {
  it('carry a stable code, a name and the standard cause', () => {
    const cause = new Error('inner');
    const error = new ExpiredError('gone', { cause });
    expect(error).toBeInstanceOf(ParkitError);
    expect(error.code).toBe('PARKIT_EXPIRED');
    expect(error.name).toBe('ExpiredError');
    expect(error.cause).toBe(cause);
  });

  it('name the field a format error is about', () => {
    const error = new FormatError('bad uid', { field: 'uid' });
    expect(error.field).toBe('uid');
    expect(error.context.field).toBe('uid');
  });

  it('are recognised by isParkitError across realms (by name and code, not instanceof)', () => {
    const foreign = Object.assign(new Error('x'), { name: 'NotFoundError', code: 'PARKIT_NOT_FOUND' });
    expect(isParkitError(foreign)).toBe(true);
    expect(isParkitError(foreign, 'PARKIT_NOT_FOUND')).toBe(true);
    expect(isParkitError(foreign, 'PARKIT_EXPIRED')).toBe(false);
    expect(isParkitError(new NotFoundError('x'), 'PARKIT_NOT_FOUND')).toBe(true);
    expect(isParkitError(new Error('x'))).toBe(false);
    expect(isParkitError(Object.assign(new Error('x'), { name: 'NotFoundError', code: 42 }))).toBe(false);
    expect(isParkitError(null)).toBe(false);
  });

  it('keep transfer facts as fields and context', () => {
    const error = new TransferError('failed', { status: 503, attempts: 4, url: 'https://h/p/…' });
    expect([error.status, error.attempts, error.url]).toEqual([503, 4, 'https://h/p/…']);
    expect(error.context).toMatchObject({ status: 503, attempts: 4 });
  });
});
