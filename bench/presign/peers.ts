/**
 * The contenders of bench/presign: parkit and the JavaScript S3 pre-signers people use, each
 * set up the way its documentation shows, all signing GET URLs for the same endpoint,
 * credentials, keys, lifetime and signing time. Also used by tests/issuers/s3/peers.test.ts,
 * which proves on Ceph that every contender's URLs are accepted, so the comparison is honest.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsClient } from 'aws4fetch';
import * as Minio from 'minio';
import { S3Issuer } from '../../src/index.js';

/** What every contender signs. */
export interface PresignInput {
  /** `http://host:port`, path-style. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  readonly expiresIn: number;
  /** The signing time (epoch ms), the same for all. */
  readonly at: number;
}

/** One pre-signer. */
export interface Peer {
  readonly name: string;
  /** A pre-signed GET URL of `key`. */
  readonly sign: (key: string) => string | Promise<string>;
}

// What the AWS SDK does to keys before signing (its extendedEncodeURIComponent per segment).
const escapePath = (key: string) =>
  key
    .split('/')
    .map((part) =>
      encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');

function amzDate(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Every contender, ready to sign.
 *
 * @param input - the shared inputs
 */
export function peers(input: PresignInput): Peer[] {
  const url = new URL(input.endpoint);
  const credentials = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };

  const parkit = new S3Issuer({
    endpoint: input.endpoint,
    region: input.region,
    ...credentials,
    now: () => input.at,
  });

  const sdk = new S3Client({
    region: input.region,
    endpoint: input.endpoint,
    forcePathStyle: true,
    credentials,
  });
  const signingDate = new Date(input.at);

  const smithy = new SignatureV4({
    credentials,
    region: input.region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });

  const aws4 = new AwsClient({ ...credentials, service: 's3', region: input.region });
  const datetime = amzDate(input.at);

  const minio = new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: input.accessKeyId,
    secretKey: input.secretAccessKey,
    region: input.region,
    pathStyle: true,
  });

  return [
    {
      name: 'parkit',
      sign: (key) => parkit.presign({ method: 'GET', bucket: input.bucket, key, expiresIn: input.expiresIn }),
    },
    {
      name: '@smithy/signature-v4',
      sign: async (key) => {
        const signed = await smithy.presign(
          {
            method: 'GET',
            protocol: url.protocol,
            hostname: url.hostname,
            port: Number(url.port),
            path: `/${input.bucket}/${escapePath(key)}`,
            query: {},
            // As the AWS SDK sets it for S3: the payload is not signed.
            headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
          },
          { expiresIn: input.expiresIn, signingDate },
        );
        const query = Object.entries(signed.query ?? {})
          .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
          .join('&');
        return `${url.origin}${signed.path}?${query}`;
      },
    },
    {
      name: 'aws4fetch',
      sign: async (key) => {
        const target = `${url.origin}/${input.bucket}/${escapePath(key)}?X-Amz-Expires=${input.expiresIn}`;
        const signed = await aws4.sign(target, { method: 'GET', aws: { signQuery: true, datetime } });
        return signed.url;
      },
    },
    {
      name: 'minio',
      sign: (key) => minio.presignedUrl('GET', input.bucket, key, input.expiresIn, {}, signingDate),
    },
    {
      name: '@aws-sdk/s3-request-presigner',
      sign: (key) =>
        getSignedUrl(sdk, new GetObjectCommand({ Bucket: input.bucket, Key: key }), {
          expiresIn: input.expiresIn,
          signingDate,
        }),
    },
  ];
}
