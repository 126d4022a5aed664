/**
 * Azure Blob Storage's refusals as parkit's typed errors. Azure names the failure in the
 * `x-ms-error-code` header and in the `<Code>` of its XML body; parkit maps that code (and, for
 * authentication failures, the SAS's own validity window against the server's clock) to one
 * error class, with its own sentence. The service's text is never copied: Azure's
 * `AuthenticationErrorDetail` can quote the request's signature.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import {
  ConflictError,
  ExpiredError,
  NotFoundError,
  type ParkitError,
  PermissionError,
  TransferError,
} from '../../par/errors.js';
import { redactUrl } from '../../par/redact.js';
import { childText, parseXml } from './xml.js';

/** Statuses a dialect takes back from `send()` so that Azure's own error code can be read. */
export const AZURE_ERROR_STATUSES: readonly number[] = Object.freeze([400, 401, 403, 404, 409, 412, 416]);

/** The request that failed (the URL is a secret: it is only redacted or read for `se`/`st`/`si`). */
export interface AzureRequestFacts {
  readonly method: string;
  readonly url: string;
  /** Who authorised the request: a SAS on the URL (the default) or the account key. */
  readonly auth?: 'sas' | 'shared-key';
  /** When the Par using the SAS expires (the stored policy's expiry, for an `si` SAS). */
  readonly expires?: DateTime;
}

interface Said {
  readonly code: string | undefined;
  readonly detail: string | undefined;
}

async function readSaid(response: Response): Promise<Said> {
  const header = response.headers.get('x-ms-error-code') ?? undefined;
  let code = header;
  let detail: string | undefined;
  try {
    const text = (await response.text()).slice(0, 16_384);
    if (text.trim() !== '') {
      const root = parseXml(text);
      code ??= childText(root, 'Code');
      detail = childText(root, 'AuthenticationErrorDetail');
    }
  } catch {
    // No body, or not XML: the header (if any) is all there is.
  }
  // Only a plain identifier is ever repeated in a message.
  return { code: code !== undefined && /^[A-Za-z0-9]{1,64}$/.test(code) ? code : undefined, detail };
}

function sasFacts(url: string): { expiry?: DateTime; start?: DateTime; policy?: string } {
  try {
    const query = new URL(url).searchParams;
    const time = (name: string) => {
      const value = query.get(name);
      const parsed = value === null ? undefined : DateTime.fromISO(value, { zone: 'utc' });
      return parsed?.isValid ? parsed : undefined;
    };
    const expiry = time('se');
    const start = time('st');
    const policy = query.get('si') ?? undefined;
    return {
      ...(expiry === undefined ? {} : { expiry }),
      ...(start === undefined ? {} : { start }),
      ...(policy === undefined ? {} : { policy }),
    };
  } catch {
    return {};
  }
}

function serverTime(response: Response): DateTime {
  const date = response.headers.get('date');
  const parsed = date === null ? undefined : DateTime.fromHTTP(date, { zone: 'utc' });
  return parsed?.isValid ? parsed : DateTime.utc();
}

function authenticationError(response: Response, facts: AzureRequestFacts, said: Said, where: string) {
  const context = {
    status: response.status,
    method: facts.method,
    url: redactUrl(facts.url),
    azureCode: said.code,
  };
  if (facts.auth === 'shared-key') {
    return new PermissionError(
      `Azure refused the account key (${said.code ?? response.status}, ${where}): wrong key or account, or a clock more than 15 minutes off`,
      { context },
    );
  }
  const sas = sasFacts(facts.url);
  const now = serverTime(response);
  if (sas.expiry !== undefined && now >= sas.expiry) {
    return new ExpiredError(`the Azure SAS expired at ${sas.expiry.toISO()} (${where})`, { context });
  }
  if (sas.start !== undefined && now < sas.start) {
    return new PermissionError(`the Azure SAS is not valid before ${sas.start.toISO()} (${where})`, {
      context,
    });
  }
  if (sas.policy !== undefined) {
    const expired =
      (said.detail !== undefined && /time frame|expir/i.test(said.detail)) ||
      (facts.expires !== undefined && now >= facts.expires);
    if (expired) {
      return new ExpiredError(
        `the stored access policy ${JSON.stringify(sas.policy)} of this SAS has expired (${where})`,
        {
          context,
        },
      );
    }
    return new PermissionError(
      `Azure refused the SAS (${said.code ?? response.status}, ${where}): its stored access policy ${JSON.stringify(sas.policy)} was removed (the link was revoked) or changed, or the link was altered`,
      { context },
    );
  }
  return new PermissionError(
    `Azure refused the SAS (${said.code ?? response.status}, ${where}): its signature does not match — the link was altered or signed with another key`,
    { context },
  );
}

/**
 * The typed error for a failed Azure response (its body is consumed).
 *
 * - `AuthenticationFailed` / `AuthorizationFailure` (403): ExpiredError when the server's clock is
 *   past the SAS's `se`; otherwise PermissionError (not yet valid, stored policy removed, or
 *   signature mismatch).
 * - `AuthorizationPermissionMismatch`, `…ProtocolMismatch`, `…SourceIPMismatch`,
 *   `…ResourceTypeMismatch` (403): PermissionError saying which.
 * - `BlobNotFound`, `ContainerNotFound`, `ResourceNotFound` (404): NotFoundError.
 * - `BlobAlreadyExists`, `ConditionNotMet`, `InvalidBlockList`, lease conflicts (409/412, 400):
 *   ConflictError.
 * - anything else: TransferError with the status.
 *
 * @param response - the failed response
 * @param facts - the request
 */
export async function azureError(response: Response, facts: AzureRequestFacts): Promise<ParkitError> {
  const said = await readSaid(response);
  const where = `${facts.method} ${redactUrl(facts.url)}`;
  const context = {
    status: response.status,
    method: facts.method,
    url: redactUrl(facts.url),
    azureCode: said.code,
  };
  switch (said.code) {
    case 'AuthenticationFailed':
    case 'AuthorizationFailure':
    case 'NoAuthenticationInformation':
      return authenticationError(response, facts, said, where);
    case 'AuthorizationPermissionMismatch':
      return new PermissionError(
        `the Azure SAS does not grant this operation (AuthorizationPermissionMismatch, ${where})`,
        {
          context,
        },
      );
    case 'AuthorizationProtocolMismatch':
      return new PermissionError(
        `the Azure SAS allows only https (AuthorizationProtocolMismatch, ${where})`,
        { context },
      );
    case 'AuthorizationSourceIPMismatch':
      return new PermissionError(
        `the Azure SAS does not allow this IP address (AuthorizationSourceIPMismatch, ${where})`,
        {
          context,
        },
      );
    case 'AuthorizationResourceTypeMismatch':
    case 'AuthorizationServiceMismatch':
      return new PermissionError(`the Azure SAS does not cover this resource (${said.code}, ${where})`, {
        context,
      });
    case 'BlobNotFound':
    case 'ContainerNotFound':
    case 'ResourceNotFound':
      return new NotFoundError(`not found (${said.code}, ${where})`, { context });
    case 'InvalidBlockList':
      return new ConflictError(
        `the blocks to commit are no longer staged — another upload to this blob committed first (InvalidBlockList, ${where})`,
        { context },
      );
    case 'InvalidBlobOrBlock':
      return new ConflictError(
        `Azure refused the block: this blob holds uncommitted blocks of another writer whose ids differ in length (InvalidBlobOrBlock, ${where})`,
        { context },
      );
    default:
      break;
  }
  if (response.status === 401 || response.status === 403)
    return authenticationError(response, facts, said, where);
  if (response.status === 404)
    return new NotFoundError(`not found (${said.code ?? 404}, ${where})`, { context });
  if (response.status === 409 || response.status === 412) {
    return new ConflictError(`Azure reports a conflict (${said.code ?? response.status}, ${where})`, {
      context,
    });
  }
  return new TransferError(
    `Azure answered ${response.status}${said.code === undefined ? '' : ` ${said.code}`} (${where})`,
    {
      status: response.status,
      url: redactUrl(facts.url),
      context: { azureCode: said.code },
    },
  );
}
