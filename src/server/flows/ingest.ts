/**
 * Ingestion: fetch a flow's source — an http(s) URL, or the object a Par sealed to the flow
 * recipient reads — into its dataset object, streamed into the store (committed only once
 * complete). Failures are told without the URL or the token.
 *
 * @internal
 * @module
 */
import { Par } from '../../par/par.js';
import type { ObjectStore } from '../storage/store.js';
import type { IngestionSpec } from './model.js';

/** A source opened for reading. */
interface Opened {
  readonly body: AsyncIterable<Uint8Array>;
  readonly contentType?: string;
}

/** A failure of the source, told without its address. */
export class IngestionError extends Error {
  override name = 'IngestionError';
}

async function openUrl(url: string, signal: AbortSignal): Promise<Opened> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch {
    throw new IngestionError('the ingestion source could not be reached');
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => {});
    throw new IngestionError(`the ingestion source answered ${response.status}`);
  }
  const type = response.headers.get('content-type');
  return {
    body: response.body as unknown as AsyncIterable<Uint8Array>,
    ...(type === null ? {} : { contentType: type }),
  };
}

async function openPar(token: string, identity: string, signal: AbortSignal): Promise<Opened> {
  let par: Par;
  try {
    par = Par.fromToken(token);
  } catch {
    throw new IngestionError('the ingestion Par is not a valid Par token');
  }
  if (!par.isObject() || !par.allows('read'))
    throw new IngestionError('the ingestion Par must read one object');
  try {
    const reader = await par.read(identity);
    const stat = await reader.stat({ signal });
    const stream = await reader.getObjectStream({ signal });
    return {
      body: stream as unknown as AsyncIterable<Uint8Array>,
      ...(stat.contentType === undefined ? {} : { contentType: stat.contentType }),
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new IngestionError(`the ingestion Par could not be read (${name})`);
  }
}

/**
 * Fetch the source into the dataset object.
 *
 * @param store - the object store
 * @param spec - the source and the dataset
 * @param identity - the flow identity (opens a Par source)
 * @param maxBytes - largest object accepted
 * @param signal - aborts the transfer
 * @throws IngestionError
 */
export async function ingest(
  store: ObjectStore,
  spec: IngestionSpec,
  identity: () => Promise<string>,
  maxBytes: number,
  signal: AbortSignal,
): Promise<void> {
  const opened =
    spec.url !== undefined
      ? await openUrl(spec.url, signal)
      : await openPar(spec.par ?? '', await identity(), signal);
  try {
    await store.put(spec.bucket, spec.key, opened.body, {
      maxBytes,
      ...(opened.contentType === undefined ? {} : { contentType: opened.contentType }),
    });
  } catch (error) {
    if (signal.aborted) throw new IngestionError('the ingestion was cut short');
    const code = (error as { code?: unknown }).code;
    throw new IngestionError(
      `the ingestion source could not be stored${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}
