// Signing in any runtime, plain JavaScript so Deno, Bun and browsers run it as is: the AWS
// documentation's pre-signed URL, a GCS V4 conformance case signed with RSA through WebCrypto,
// and a GOOG4-HMAC URL. Returns the URLs for the test to compare with Node's.
export async function signingScenario(parkit, { s3, gcs, serviceAccount, at }) {
  const issuer = new parkit.S3Issuer({
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    now: () => Date.parse(s3.timestamp),
  });
  const rsa = new parkit.GcsIssuer({ serviceAccount, now: () => Date.parse(gcs.timestamp) });
  const hmac = new parkit.GcsIssuer({
    hmacKey: { accessId: 'GOOG1ACCESSID', secret: 'hmac/secret+value' },
    now: () => at,
  });
  return {
    s3: issuer.presign({ method: 'GET', bucket: s3.bucket, key: s3.key, expiresIn: s3.expiresIn }),
    gcsRsa: await rsa.presign({
      method: gcs.method,
      bucket: gcs.bucket,
      key: gcs.object,
      expiresIn: Number(gcs.expiration),
    }),
    gcsHmac: await hmac.presign({
      method: 'PUT',
      bucket: 'my-bucket',
      key: 'dir/ünïcödé file.txt',
      expiresIn: 600,
    }),
  };
}
