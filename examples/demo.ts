/**
 * `npm start`: the end-to-end tour of a Par on a local `file://` store.
 * Generate an identity, mint a read Par for an object, seal it, hand it off as a token, open it
 * as the recipient and read the object back. Each step is printed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateIdentity, identityToRecipient, isParkitError, Par } from '../src/index.js';

const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);

const store = await mkdtemp(join(tmpdir(), 'parkit-demo-'));
try {
  step(1, 'A local object store with one object');
  const objectPath = join(store, 'reports', 'q3.csv');
  await mkdir(join(store, 'reports'));
  await writeFile(objectPath, 'region,revenue\nnorth,120\nsouth,95\n');
  console.log(`    stored reports/q3.csv (${store})`);

  step(2, 'The recipient generates an age identity and shares only its public recipient');
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  console.log(`    recipient: ${recipient}`);

  step(3, 'The owner mints a read-only Par for the object, sealed to that recipient, valid 15 minutes');
  const par = await Par.create({
    url: pathToFileURL(objectPath).href,
    driver: 'file',
    target: { kind: 'object', key: 'reports/q3.csv' },
    permissions: ['read'],
    expires: { minutes: 15 },
    recipients: [recipient],
    name: 'Q3 report',
  });
  console.log(`    ${par}`);

  step(4, 'The Par travels as a token: metadata is readable, the link inside is sealed');
  const token = par.toToken();
  console.log(`    token (${token.length} characters): ${token.slice(0, 48)}…`);

  step(5, 'The recipient decodes the token; no key is needed to inspect it');
  const received = Par.fromToken(token);
  console.log(
    `    fingerprint ${received.fingerprint()} (same as minted: ${received.fingerprint() === par.fingerprint()})`,
  );
  console.log(`    ${Math.round(received.secondsRemaining())} s remaining (30 s safety buffer)`);

  step(6, 'The recipient opens it with their identity and reads the object');
  if (!received.isObject()) throw new Error('expected a Par for one object');
  const reader = await received.read(identity); // an ObjectReader, since the Par is for one object
  console.log(
    (await reader.getStringObject())
      .trimEnd()
      .split('\n')
      .map((line) => `    | ${line}`)
      .join('\n'),
  );

  step(7, 'Anyone else cannot open it');
  try {
    await received.read(await generateIdentity());
  } catch (error) {
    if (!isParkitError(error)) throw error;
    console.log(`    refused: ${error.code} (${error.message})`);
  }
  console.log('\nDone.');
} finally {
  await rm(store, { recursive: true, force: true });
}
