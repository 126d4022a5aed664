/**
 * A throwaway single-node Ceph cluster with a RADOS Gateway (S3) on loopback, for tests: one
 * `ceph-mon`, one `ceph-osd` on memstore, one `radosgw`, all foreground processes in a temp dir
 * on ephemeral ports, cephx on. STS is enabled and a role is made so that bucket Pars can mint
 * temporary credentials. Stop it with `stop()` (SIGKILL: the data is throwaway).
 * Needs the Debian packages radosgw, ceph-mon and ceph-osd (see .ci/debian-packages).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What tests need to reach the gateway. */
export interface CephInfo {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A role the test user may assume (STS), with a policy allowing all S3 actions. */
  readonly roleArn: string;
}

/** A running cluster. */
export interface CephCluster extends CephInfo {
  /** Seconds it took to start. */
  readonly startSeconds: number;
  stop(): Promise<void>;
}

const USER = 'parkit-test';
const ROLE = 'parkit-par';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function tail(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

async function waitForHttp(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`radosgw did not answer at ${url}`);
}

async function attempt(dir: string): Promise<CephCluster> {
  const started = Date.now();
  const [monV1, monV2, rgwPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const fsid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  const keyring = join(dir, 'keyring');
  const monHost = `[v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]`;
  for (const sub of ['run', 'log', 'mon', 'osd/ceph-0']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(
    conf,
    `[global]
fsid = ${fsid}
mon host = ${monHost}
public addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail crit = 1
paxos propose interval = 0.05
paxos min wait = 0.01
admin socket = ${dir}/run/$cluster-$name.asok
log file = ${dir}/log/$cluster-$name.log
run dir = ${dir}/run
pid file = ${dir}/run/$cluster-$name.pid
keyring = ${keyring}
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw sts key = ${randomBytes(8).toString('hex')}
rgw s3 auth use sts = true
# Virtual-hosted requests: Host bucket.localhost:PORT
rgw dns name = localhost
`,
  );
  const tool = (command: string, args: string[], timeout = 60_000) =>
    run(command, args, { timeout, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const entities: [string, string[]][] = [
    ['mon.', ['--cap', 'mon', 'allow *']],
    ['client.admin', ['--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *']],
    ['osd.0', ['--cap', 'mon', 'allow profile osd', '--cap', 'osd', 'allow *']],
    ['client.rgw.a', ['--cap', 'mon', 'allow rw', '--cap', 'osd', 'allow rwx']],
  ];
  for (const [index, [name, caps]] of entities.entries()) {
    await tool('ceph-authtool', [
      ...(index === 0 ? ['--create-keyring'] : []),
      keyring,
      '--gen-key',
      '-n',
      name,
      ...caps,
    ]);
  }
  const monmap = join(dir, 'monmap');
  await tool('monmaptool', ['--create', '--addv', 'a', monHost, '--fsid', fsid, monmap]);
  await tool('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap, '--keyring', keyring]);

  const children: ChildProcess[] = [];
  const daemon = (command: string, args: string[]) => {
    const log = createWriteStream(join(dir, 'log', `${command}.out`));
    const child = spawn(command, ['-c', conf, ...args, '-f'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.push(child);
    return child;
  };
  // Should the test process die without tearing down, take the daemons with it.
  const killNow = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);
  const stop = async () => {
    process.off('exit', killNow);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  };
  try {
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    await tool('ceph', ['-c', conf, '--connect-timeout', '30', 'osd', 'new', osdUuid, '0']);
    await tool('ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    daemon('ceph-osd', ['-i', '0']);
    daemon('radosgw', ['-n', 'client.rgw.a']);
    const accessKeyId = `PARKIT${randomBytes(7).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64url');
    // Blocks until the gateway has made its pools, i.e. until the OSD is up.
    await tool('radosgw-admin', [
      '-c',
      conf,
      'user',
      'create',
      '--uid',
      USER,
      '--display-name',
      USER,
      '--access-key',
      accessKeyId,
      '--secret-key',
      secretAccessKey,
    ]);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${USER}`] }, Action: ['sts:AssumeRole'] },
      ],
    };
    await tool('radosgw-admin', [
      '-c',
      conf,
      'role',
      'create',
      '--role-name',
      ROLE,
      '--path',
      '/',
      '--assume-role-policy-doc',
      JSON.stringify(trust),
    ]);
    const allow = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::*' }],
    };
    await tool('radosgw-admin', [
      '-c',
      conf,
      'role-policy',
      'put',
      '--role-name',
      ROLE,
      '--policy-name',
      'all-s3',
      '--policy-doc',
      JSON.stringify(allow),
    ]);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitForHttp(`${endpoint}/`, Date.now() + 60_000);
    return {
      endpoint,
      region: 'us-east-1',
      accessKeyId,
      secretAccessKey,
      roleArn: `arn:aws:iam:::role/${ROLE}`,
      startSeconds: (Date.now() - started) / 1000,
      stop,
    };
  } catch (error) {
    await stop();
    const logs = (
      await Promise.all(
        ['ceph-mon', 'ceph-osd', 'radosgw'].map(
          async (name) => `--- ${name}\n${await tail(join(dir, 'log', `${name}.out`))}`,
        ),
      )
    ).join('\n');
    throw new Error(`Ceph did not start: ${(error as Error).message}\n${logs}`);
  }
}

/**
 * Start a cluster (retrying once with fresh ports should a port be taken meanwhile).
 *
 * @returns the running cluster; call `stop()` when done
 */
export async function startCeph(): Promise<CephCluster> {
  let lastError: unknown;
  for (let tries = 0; tries < 2; tries++) {
    const dir = await mkdtemp(join(tmpdir(), 'parkit-ceph-'));
    try {
      const cluster = await attempt(dir);
      return {
        ...cluster,
        stop: async () => {
          await cluster.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await rm(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}
