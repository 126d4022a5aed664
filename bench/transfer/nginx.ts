/**
 * nginx (Debian's nginx-light) on loopback for the transfer benchmark: serves a directory
 * (sendfile, JSON directory index), takes PUTs into another (WebDAV, streamed to disk), so the
 * server is never what limits the clients being compared.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A running nginx. */
export interface Nginx {
  readonly origin: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Start nginx serving `root/www` and taking uploads into `root/up`.
 *
 * @param root - a temporary directory
 */
export async function startNginx(root: string): Promise<Nginx> {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('bench:transfer needs nginx on PATH (Debian: apt-get install nginx-light)');
  }
  const port = await freePort();
  // Workers run as an unprivileged user when nginx starts as root: let them in.
  await chmod(root, 0o755);
  for (const name of ['www', 'up', 'body']) {
    await mkdir(join(root, name), { recursive: true });
    await chmod(join(root, name), 0o777);
  }
  const config = `daemon off;
worker_processes 1;
error_log ${root}/error.log;
pid ${root}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/body; fastcgi_temp_path ${root}/body; uwsgi_temp_path ${root}/body; scgi_temp_path ${root}/body;
  sendfile on; tcp_nopush on; keepalive_requests 1000000; client_max_body_size 0;
  server {
    listen 127.0.0.1:${port};
    root ${root}/www;
    location / { autoindex on; autoindex_format json; }
    location /up/ { root ${root}; dav_methods PUT DELETE; create_full_put_path on; client_body_buffer_size 1m; }
  }
}
`;
  await writeFile(join(root, 'nginx.conf'), config);
  const child: ChildProcess = spawn('nginx', ['-c', join(root, 'nginx.conf'), '-p', root], {
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${origin}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 100) {
      child.kill('SIGTERM');
      throw new Error('nginx did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
