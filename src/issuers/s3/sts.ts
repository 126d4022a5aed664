/**
 * STS `AssumeRole` with an inline session policy: temporary credentials that can do only what
 * the policy allows, for the requested duration (AWS STS API reference; Ceph RGW and MinIO
 * implement the same call).
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { xmlText } from '../../access/dialects/s3/xml.js';
import { send } from '../../access/http.js';
import { RemoteServiceError } from '../../par/errors.js';
import { redactUrl } from '../../par/redact.js';
import { signHeaders } from '../sigv4/header-signer.js';
import type { HmacSigner } from '../sigv4/hmac-signer.js';
import { AWS_SIGV4 } from '../sigv4/scheme.js';
import { signingTime } from '../sigv4/time.js';
import { sha256Hex } from '../sigv4/utf8.js';
import { issuerContext } from './transport.js';

/** Temporary credentials. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: DateTime;
}

/** One AssumeRole call. */
export interface AssumeRoleRequest {
  readonly endpoint: URL;
  readonly region: string;
  readonly accessKeyId: string;
  readonly signer: HmacSigner;
  readonly sessionToken: string | undefined;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly policy: string;
  readonly durationSeconds: number;
  /** Signing time, epoch milliseconds. */
  readonly at: number;
  readonly fetch: typeof fetch | undefined;
  readonly signal?: AbortSignal;
}

const encode = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (mark) => `%${mark.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Call AssumeRole.
 *
 * @param request - endpoint, caller credentials, role, policy, duration
 * @returns the temporary credentials
 * @throws PermissionError / TransferError from the call; RemoteServiceError when the answer has no credentials
 */
export async function assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
  const body = Object.entries({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionName,
    DurationSeconds: String(request.durationSeconds),
    Policy: request.policy,
  })
    .map(([name, value]) => `${name}=${encode(value)}`)
    .join('&');
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
  const headers = signHeaders(
    {
      scheme: AWS_SIGV4,
      credentialId: request.accessKeyId,
      region: request.region,
      service: 'sts',
      signer: request.signer,
      ...(request.sessionToken === undefined ? {} : { sessionToken: request.sessionToken }),
    },
    {
      method: 'POST',
      host: request.endpoint.host,
      path: '/',
      headers: [['content-type', contentType]],
      payloadHash: sha256Hex(body),
      time: signingTime(request.at),
    },
  );
  const url = `${request.endpoint.origin}/`;
  const response = await send(issuerContext(request.fetch), url, {
    method: 'POST',
    headers: [
      ['content-type', contentType],
      ...headers.map(([name, value]): [string, string] => [name, value]),
    ],
    body,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  const xml = await response.text();
  const accessKeyId = xmlText(xml, 'AccessKeyId');
  const secretAccessKey = xmlText(xml, 'SecretAccessKey');
  const sessionToken = xmlText(xml, 'SessionToken');
  const expiration = DateTime.fromISO(xmlText(xml, 'Expiration') ?? '', { zone: 'utc' });
  if (
    accessKeyId === undefined ||
    secretAccessKey === undefined ||
    sessionToken === undefined ||
    !expiration.isValid
  ) {
    throw new RemoteServiceError('STS answered AssumeRole without credentials', {
      status: response.status,
      method: 'POST',
      url: redactUrl(url),
    });
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}
