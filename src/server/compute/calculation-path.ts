/**
 * Parsing the access paths of executable Pars: `/p/{token}/n/{namespace}/c/{calculation}`
 * (describe), `…/jobs` (start, list), `…/jobs/{id}` (status, wait), `…/jobs/{id}/stop` and
 * `…/jobs/{id}/logs`.
 *
 * @module
 */
import { ApiError } from '../http/api-error.js';

/** A parsed calculation path. The token is a secret: never log or echo it. */
export interface CalculationPath {
  readonly token: string;
  readonly namespace: string;
  readonly calculation: string;
  /** What is addressed below the calculation. */
  readonly resource: 'calculation' | 'jobs' | 'job' | 'stop' | 'logs';
  readonly jobId?: string;
}

/**
 * Whether an access path is a calculation's (`/p/{token}/n/{namespace}/c/…`).
 *
 * @param path - the raw path
 */
export function isCalculationPath(path: string): boolean {
  const parts = path.split('/', 6);
  return parts[1] === 'p' && parts[3] === 'n' && parts[5] === 'c';
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, 'INVALID_PATH', 'the path is not valid percent-encoding');
  }
}

const notFound = () =>
  new ApiError(
    404,
    'NOT_FOUND',
    'no such resource (calculation paths are /p/{token}/n/{namespace}/c/{name}[/jobs[/{id}[/stop|/logs]]])',
  );

/**
 * Parse a calculation path.
 *
 * @param path - the raw request path
 * @throws ApiError 404 `NOT_FOUND` for any other shape
 */
export function parseCalculationPath(path: string): CalculationPath {
  // ['', 'p', token, 'n', ns, 'c', name, 'jobs', id, 'stop' | 'logs']
  const parts = path.split('/');
  const [, , token = '', , namespace = '', , name = '', jobs, jobId, action] = parts;
  if (parts.length > 10 || token === '' || namespace === '' || name === '') throw notFound();
  const base = { token, namespace: decode(namespace), calculation: decode(name) };
  if (jobs === undefined || (jobs === '' && parts.length === 8)) return { ...base, resource: 'calculation' };
  if (jobs !== 'jobs') throw notFound();
  if (jobId === undefined || (jobId === '' && parts.length === 9)) return { ...base, resource: 'jobs' };
  if (!/^[0-9a-f]{32}$/.test(jobId)) throw new ApiError(404, 'JOB_NOT_FOUND', 'no such job');
  if (action === undefined) return { ...base, resource: 'job', jobId };
  if (action === 'stop' || action === 'logs') return { ...base, resource: action, jobId };
  throw notFound();
}
