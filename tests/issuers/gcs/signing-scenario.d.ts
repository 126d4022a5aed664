/** Types of signing-scenario.js (plain JavaScript so that every runtime runs it as is). */
export function signingScenario(
  parkit: typeof import('../../../src/index.js'),
  options: unknown,
): Promise<{ s3: string; gcsRsa: string; gcsHmac: string }>;
