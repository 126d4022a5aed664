/**
 * The options of {@link GcsIssuer} and their checks.
 *
 * @module
 */
import type { Clock } from '../../par/expiry.js';
import { checkEndpoint } from '../sigv4/request-input.js';

/** A service account key, as in the JSON key file Google Cloud gives (extra fields are ignored). */
export interface GcsServiceAccount {
  /** The service account's e-mail (public: it is the URL's credential). */
  readonly client_email: string;
  /** The PKCS #8 PEM private key (kept private; never shown). */
  readonly private_key: string;
}

/** An HMAC key for interoperable access. */
export interface GcsHmacKey {
  readonly accessId: string;
  /** Kept private; never shown. */
  readonly secret: string;
}

/** How URLs are addressed. */
export type GcsUrlStyle = 'path' | 'virtual-hosted' | 'bucket-bound';

/** How to sign GCS V4 URLs. Give exactly one of `serviceAccount` and `hmacKey`. */
export interface GcsIssuerOptions {
  /** Sign with GOOG4-RSA-SHA256. */
  readonly serviceAccount?: GcsServiceAccount;
  /** Sign with GOOG4-HMAC-SHA256. */
  readonly hmacKey?: GcsHmacKey;
  /** The API origin (default `https://storage.googleapis.com`). */
  readonly endpoint?: string;
  /** `path` (default): `endpoint/bucket/key`; `virtual-hosted`: `bucket.endpoint/key`; `bucket-bound`: `bucketBoundHostname/key`. */
  readonly urlStyle?: GcsUrlStyle;
  /** For `bucket-bound`: the origin of the bucket's own domain, e.g. `https://cdn.example.com`. */
  readonly bucketBoundHostname?: string;
  /** Credential scope region (default `auto`). */
  readonly region?: string;
  /** Clock for signing times and Par expiry. */
  readonly now?: Clock;
}

/** The checked configuration. @internal */
export interface GcsConfig {
  readonly signer:
    | { readonly kind: 'rsa'; readonly clientEmail: string; readonly privateKey: string }
    | { readonly kind: 'hmac'; readonly accessId: string; readonly secret: string };
  readonly endpoint: URL;
  readonly urlStyle: GcsUrlStyle;
  readonly bucketBound: URL | undefined;
  readonly region: string;
  readonly now: Clock | undefined;
}

const CREDENTIAL_ID = /^[\x21-\x2e\x30-\x7e]{1,256}$/;

function credentialText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`GcsIssuer: ${field} must be a non-empty string`);
  return value;
}

/**
 * Check the issuer options.
 *
 * @param options - what the caller gave
 * @throws TypeError / RangeError naming the field
 * @internal
 */
export function resolveGcsOptions(options: GcsIssuerOptions): GcsConfig {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('GcsIssuer: options must be an object');
  const { serviceAccount, hmacKey } = options;
  if ((serviceAccount === undefined) === (hmacKey === undefined)) {
    throw new TypeError('GcsIssuer: give exactly one of serviceAccount and hmacKey');
  }
  let signer: GcsConfig['signer'];
  if (serviceAccount !== undefined) {
    if (typeof serviceAccount !== 'object' || serviceAccount === null) {
      throw new TypeError('GcsIssuer: serviceAccount must be the parsed JSON key file');
    }
    const clientEmail = credentialText(serviceAccount.client_email, 'serviceAccount.client_email');
    if (!CREDENTIAL_ID.test(clientEmail) || !clientEmail.includes('@')) {
      throw new TypeError('GcsIssuer: serviceAccount.client_email must be a service account e-mail address');
    }
    signer = {
      kind: 'rsa',
      clientEmail,
      privateKey: credentialText(serviceAccount.private_key, 'serviceAccount.private_key'),
    };
  } else {
    if (typeof hmacKey !== 'object' || hmacKey === null)
      throw new TypeError('GcsIssuer: hmacKey must be an object');
    const accessId = credentialText(hmacKey.accessId, 'hmacKey.accessId');
    if (!CREDENTIAL_ID.test(accessId))
      throw new TypeError('GcsIssuer: hmacKey.accessId must be printable ASCII without "/"');
    signer = { kind: 'hmac', accessId, secret: credentialText(hmacKey.secret, 'hmacKey.secret') };
  }
  const urlStyle = options.urlStyle ?? 'path';
  if (!['path', 'virtual-hosted', 'bucket-bound'].includes(urlStyle)) {
    throw new RangeError("GcsIssuer: urlStyle must be 'path', 'virtual-hosted' or 'bucket-bound'");
  }
  const bucketBound =
    options.bucketBoundHostname === undefined
      ? undefined
      : checkEndpoint(options.bucketBoundHostname, 'GcsIssuer: bucketBoundHostname');
  if ((urlStyle === 'bucket-bound') !== (bucketBound !== undefined)) {
    throw new TypeError(
      "GcsIssuer: bucketBoundHostname goes with urlStyle 'bucket-bound' (and only with it)",
    );
  }
  const region = options.region ?? 'auto';
  if (typeof region !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new RangeError('GcsIssuer: region must be a location name such as auto or europe-west1');
  }
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new TypeError('GcsIssuer: now must be a function');
  return {
    signer,
    endpoint: checkEndpoint(options.endpoint ?? 'https://storage.googleapis.com', 'GcsIssuer: endpoint'),
    urlStyle,
    bucketBound,
    region,
    now: options.now,
  };
}
