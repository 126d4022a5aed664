/**
 * Which dialect speaks for which driver. Adding a URL family: write its dialect file, add it here.
 *
 * @module
 */
import type { Driver } from '../../par/driver.js';
import { azureDialect } from './azure.js';
import type { Dialect } from './dialect.js';
import { fileDialect } from './file.js';
import { gcsDialect } from './gcs.js';
import { httpsDialect } from './https.js';
import { ociDialect } from './oci-shape.js';
import { parkitDialect } from './parkit.js';
import { s3Dialect } from './s3.js';

const DIALECTS: Partial<Record<Driver, Dialect>> = {
  // Azure Blob SAS: blob and container Pars, listing, block uploads.
  azure: azureDialect,
  file: fileDialect,
  https: httpsDialect,
  // parkit server access URLs (OCI PAR shape), revocable by the holder.
  parkit: parkitDialect,
  // OCI Object Storage PAR URLs: the same shape, without holder revocation.
  oci: ociDialect,
  // S3Issuer's grants: pre-signed URLs, POST policies, temporary credentials.
  s3: s3Dialect,
  // GcsIssuer's V4 signed URLs.
  gcs: gcsDialect,
  // Stoa hands out pre-signed GET URLs: read them as plain https objects.
  stoa: httpsDialect,
};

/**
 * The dialect of a driver, if this release has one.
 *
 * @param driver - the Par's driver
 */
export function dialectFor(driver: Driver): Dialect | undefined {
  return DIALECTS[driver];
}
