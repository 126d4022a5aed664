/**
 * `npm start`: the end-to-end tour on the embedded parkit server. Start it on a free loopback
 * port over a temporary data directory, create a bucket, upload sample data, mint a read Par
 * sealed to a freshly generated recipient, hand it off as a token, open it as the recipient,
 * list, download and verify, revoke it, and show that the revoked Par is refused. Then run a
 * calculation through an executable Par: a checksum report over the uploaded data, written to
 * an output prefix (examples/functions/checksum-report.ts). Last, register that calculation as
 * a flow over the uploaded data, run it, change an input so it runs again by itself, and show
 * the provenance and lineage the server recorded (docs/flows.md).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BucketReader,
  type BucketWriter,
  type FlowRun,
  generateIdentity,
  identityToRecipient,
  isParkitError,
  Par,
  ParkitAdmin,
  ParkitFlows,
} from '../src/index.js';
import { createServer } from '../src/server/index.js';

const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const versions = (list: readonly { data: string; version: number }[]) =>
  list.map((item) => `${item.data}@${item.version}`).join(', ');

/**
 * The flow's newest run once it is recorded in full, after `runs` runs in all (runs go on on the
 * server; the engine records a run's Luco submission last, after its lineage).
 */
async function ended(flows: ParkitFlows, flow: string, runs: number): Promise<FlowRun> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { items } = await flows.listRuns(flow);
    const newest = items[0];
    if (items.length >= runs && newest?.submission !== undefined) return newest;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`flow ${flow} did not finish run ${runs}`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'parkit-demo-'));
const functions = resolve(import.meta.dirname, 'functions');
const server = await createServer({ dataDir, functions });
try {
  step(1, 'Start a parkit server on a free loopback port with a temporary data directory');
  console.log(`    listening on ${server.url}; admin key created in the data directory (mode 0600)`);
  const adminKey = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
  const admin = new ParkitAdmin({ url: server.url, adminKey });
  console.log(`    admin client: ${admin}`);

  step(2, 'Create a bucket and upload sample data (through a write Par the owner keeps)');
  await admin.createBucket('reports');
  const ownerIdentity = await generateIdentity();
  const uploader = await admin.createPar({
    bucket: 'reports',
    prefix: 'q3/',
    permissions: ['write'],
    expires: { minutes: 5 },
    recipients: [await identityToRecipient(ownerIdentity)],
  });
  const samples: Record<string, string> = {
    'q3/revenue.csv': 'region,revenue\nnorth,120\nsouth,95\n',
    'q3/costs.csv': 'region,costs\nnorth,80\nsouth,70\n',
    'q3/notes/summary.txt': 'North leads; south catching up.\n',
  };
  const writer = (await uploader.write(ownerIdentity)) as BucketWriter; // a bucket Par gives a BucketWriter
  for (const [key, text] of Object.entries(samples)) {
    const stat = await writer.setStringObject(key, text);
    console.log(`    put ${key} (${stat.size} bytes, sha256 ${stat.sha256?.slice(0, 12)}…)`);
  }

  step(3, 'The recipient generates an age identity and shares only its public recipient');
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  console.log(`    recipient: ${recipient}`);

  step(4, 'The owner mints a read + list Par for q3/, sealed by the server to that recipient, 15 minutes');
  const par = await admin.createPar({
    bucket: 'reports',
    prefix: 'q3/',
    permissions: ['read', 'list'],
    expires: { minutes: 15 },
    recipients: [recipient],
    name: 'Q3 reports',
  });
  console.log(`    ${par}`);

  step(5, 'It travels as a token: metadata readable by anyone, the access URL sealed inside');
  const token = par.toToken();
  console.log(`    token (${token.length} characters): ${token.slice(0, 48)}…`);

  step(6, 'The recipient opens it, lists the prefix, downloads every object and verifies it');
  const received = Par.fromToken(token);
  const bucket = (await received.read(identity)) as BucketReader; // a bucket Par gives a BucketReader
  const page = await bucket.listObjects({ delimiter: '/' });
  console.log(
    `    listing q3/ with "/": objects ${page.objects.map((o) => o.key).join(', ')}; prefixes ${page.prefixes.join(', ')}`,
  );
  for (const key of await bucket.getAllObjectNames()) {
    const bytes = await bucket.getObject(key);
    const stat = await bucket.stat(key);
    const ok = stat.sha256 === sha256(bytes) && new TextDecoder().decode(bytes) === samples[key];
    console.log(`    got ${key}: ${bytes.length} bytes, sha256 ${ok ? 'verified' : 'MISMATCH'}`);
    if (!ok) throw new Error(`verification failed for ${key}`);
  }

  step(7, 'The read Par cannot write, nor reach outside its prefix');
  for (const attempt of [
    () => bucket.getObject('other/secret.txt'),
    async () => (await received.write(identity)) as unknown,
  ]) {
    try {
      await attempt();
      throw new Error('expected a refusal');
    } catch (error) {
      if (!isParkitError(error)) throw error;
      console.log(`    refused: ${error.code} (${error.message})`);
    }
  }

  step(8, 'The owner lists the live Pars (metadata and fingerprints only) and revokes the read Par');
  for (const entry of await admin.listPars({ bucket: 'reports' })) {
    console.log(`    ${entry.fingerprint}  ${entry.permissions.join('+')}  ${entry.name ?? '(no name)'}`);
  }
  await admin.closePar(par);
  console.log(`    closed ${par.fingerprint()}`);

  step(9, 'The revoked Par is refused on its next request');
  try {
    await bucket.getObject('q3/revenue.csv');
    throw new Error('the revoked Par still worked');
  } catch (error) {
    if (!isParkitError(error)) throw error;
    console.log(`    refused: ${error.code} (${error.message})`);
  }
  step(10, 'The owner mints an executable Par: the checksum calculation, reading q3/, writing checks/');
  console.log(`    calculations on the server: ${server.calculations.join(', ')}`);
  const executable = await admin.createExecutablePar({
    calculation: 'checksumReport',
    arguments: { prefix: 'q3/' }, // bound: the holder cannot change it
    settable: ['algorithm'],
    inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
    outputs: { reports: { bucket: 'reports', prefix: 'checks/' } },
    maxRuns: 1,
    expires: { minutes: 15 },
    recipients: [recipient],
  });
  console.log(`    ${executable}`);

  step(11, 'The recipient runs it (in a worker on the server), follows its progress and reads the result');
  const runner = await Par.fromToken(executable.toToken()).execute(identity);
  const job = await runner.start({ algorithm: 'sha256' });
  let shown = '';
  const result = (await job.result({
    onProgress(status) {
      const { progress } = status;
      const line = `${status.state}${progress === undefined ? '' : ` ${Math.round((progress.fraction ?? 0) * 100)}% ${progress.message ?? ''}`}`;
      if (line === shown) return;
      shown = line;
      console.log(`    ${line}`);
    },
  })) as { report: string; objects: number; mismatches: number };
  const final = await job.status();
  console.log(`    result: ${JSON.stringify(result)}`);
  console.log(
    `    inputs read: ${final.inputs.map((input) => `${input.key} (${input.sha256?.slice(0, 12)}…)`).join(', ')}`,
  );
  console.log(
    `    outputs written: ${final.outputs.map((output) => `${output.key} (${output.size} bytes)`).join(', ')}`,
  );
  if (result.objects !== Object.keys(samples).length || result.mismatches !== 0)
    throw new Error('the checksum report is wrong');
  try {
    await runner.start();
    throw new Error('a second run was allowed');
  } catch (error) {
    if (!isParkitError(error, 'PARKIT_QUOTA_EXHAUSTED')) throw error;
    console.log(`    a second run is refused: ${error.code} (${error.message})`);
  }

  step(12, 'The owner registers the calculation as a flow over q3/: it runs again whenever q3/ changes');
  const flows = new ParkitFlows({ url: server.url, adminKey });
  const flow = await flows.createFlow({
    name: 'q3-checks',
    calculation: 'checksumReport',
    arguments: { prefix: 'q3/' },
    inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
    outputs: { reports: { bucket: 'reports', prefix: 'flow-checks/' } },
    policy: 'any',
  });
  console.log(
    `    flow ${flow.name}: ${flow.calculation} over reports/q3/*, writing reports/flow-checks/, policy ${flow.policy}`,
  );
  await flows.runFlow(flow);
  const first = await ended(flows, flow.name, 1);
  console.log(
    `    run ${first.trigger} ${first.state}: read ${versions(first.inputs)}; wrote ${versions(first.outputs)}`,
  );

  step(13, 'A new version of q3/costs.csv triggers a run by itself; provenance and lineage record both');
  await writer.setStringObject('q3/costs.csv', 'region,costs\nnorth,82\nsouth,70\n');
  const second = await ended(flows, flow.name, 2);
  console.log(
    `    run ${second.trigger} ${second.state}: read ${versions(second.inputs)}; wrote ${versions(second.outputs)}`,
  );
  for (const version of (await flows.listVersions('reports/q3/*')).items)
    console.log(
      `    reports/q3/* version ${version.version}: sha256 ${version.checksum.slice(0, 12)}…, ${version.size} bytes`,
    );
  const lineage = await flows.lineage('reports/flow-checks/checksums.json', { direction: 'upstream' });
  const runOf = new Map(lineage.runs.map((run) => [run.id, `${run.trigger} run of ${run.flowName}`]));
  for (const edge of lineage.edges)
    console.log(`    lineage: ${versions([edge.from])} → ${versions([edge.to])} (${runOf.get(edge.run)})`);
  console.log('\nDone.');
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
