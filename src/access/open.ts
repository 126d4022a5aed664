/**
 * From an opened Par to the right class: picks the dialect for the Par's driver and wraps its
 * endpoint in a reader, writer or runner.
 *
 * @internal
 * @module
 */
import { NotSupportedError } from '../par/errors.js';
import type { Par } from '../par/par.js';
import type { BucketTarget, CalculationTarget } from '../par/target.js';
import { platformFetch } from '../platform/http-client.js';
import { BucketReader } from './bucket-reader.js';
import { BucketWriter } from './bucket-writer.js';
import { ComputeRunner } from './compute-runner.js';
import type { Dialect, DialectContext } from './dialects/dialect.js';
import { dialectFor } from './dialects/index.js';
import { ObjectReader } from './object-reader.js';
import { ObjectWriter } from './object-writer.js';
import { type AccessOptions, transferSettings } from './options.js';

function resolve(par: Par, options: AccessOptions): { dialect: Dialect; context: DialectContext } {
  const dialect = dialectFor(par.driver);
  if (dialect === undefined) throw new NotSupportedError(`this release cannot use ${par.driver} Pars yet`);
  transferSettings(options); // checks the options once, before any request
  return { dialect, context: { par, fetch: options.fetch ?? platformFetch, options } };
}

function objectEndpoint(par: Par, secret: string, options: AccessOptions) {
  const { dialect, context } = resolve(par, options);
  if (dialect.object === undefined)
    throw new NotSupportedError(`${par.driver} Pars cannot address single objects`);
  return dialect.object(secret, context);
}

function bucketEndpoint(par: Par, secret: string, options: AccessOptions) {
  const { dialect, context } = resolve(par, options);
  if (dialect.bucket === undefined)
    throw new NotSupportedError(`${par.driver} Pars cannot address buckets yet`);
  return dialect.bucket(secret, context);
}

/** A reader for an opened Par. */
export function openReader(par: Par, secret: string, options: AccessOptions): ObjectReader | BucketReader {
  if (par.isObject()) return new ObjectReader(par, objectEndpoint(par, secret, options), options);
  if (par.isBucket())
    return new BucketReader(par as Par<BucketTarget>, bucketEndpoint(par, secret, options), options);
  throw new NotSupportedError('a calculation Par is run with execute(), not read');
}

/** A writer for an opened Par. */
export function openWriter(par: Par, secret: string, options: AccessOptions): ObjectWriter | BucketWriter {
  if (par.isObject()) return new ObjectWriter(par, objectEndpoint(par, secret, options), options);
  if (par.isBucket())
    return new BucketWriter(par as Par<BucketTarget>, bucketEndpoint(par, secret, options), options);
  throw new NotSupportedError('a calculation Par is run with execute(), not written');
}

/** A runner for an opened executable Par. */
export function openRunner(par: Par, secret: string, options: AccessOptions): ComputeRunner {
  if (!par.isCalculation()) throw new NotSupportedError('only a calculation Par can be executed');
  const { dialect, context } = resolve(par, options);
  if (dialect.runner === undefined)
    throw new NotSupportedError(`this release cannot run calculations through ${par.driver} Pars`);
  return new ComputeRunner(par as Par<CalculationTarget>, dialect.runner(secret, context), options);
}

/** Revoke an opened Par at its issuer. */
export async function closePar(par: Par, secret: string, options: AccessOptions): Promise<void> {
  const { dialect, context } = resolve(par, options);
  if (dialect.close === undefined) {
    throw new NotSupportedError(
      `${par.driver} links cannot be revoked before they expire; this one stays valid until ${par.expires.toISO()}`,
    );
  }
  await dialect.close(secret, context);
}
