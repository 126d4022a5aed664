// The example calculation, registered here with the test fixtures.
export {
  checksumReport,
  description,
  inputs,
  limits,
  outputs,
  schema,
} from '../../../examples/functions/checksum-report.ts';
