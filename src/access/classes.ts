/**
 * The classes a Par holder uses, in one place.
 *
 * @module
 */
export { BucketReader } from './bucket-reader.js';
export { BucketWriter } from './bucket-writer.js';
export { ComputeRunner } from './compute-runner.js';
export { ObjectReader } from './object-reader.js';
export { ObjectWriter } from './object-writer.js';
