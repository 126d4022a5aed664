/**
 * A real loopback HTTP proxy in front of a store that injects the faults of issue 4 on the
 * requests it is told to: a connection reset mid-body, an error status (503, 429 with
 * Retry-After, …), a body cut short under a correct Content-Length, one corrupted byte, a server
 * that stalls (before its answer or mid-body), and a reset while an upload is arriving. Every
 * other request is forwarded unchanged.
 */
import { Agent, createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One fault. Byte offsets count body bytes from the start of the answer's (or request's) body. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'reset'; readonly afterBytes: number }
  | { readonly kind: 'truncate'; readonly afterBytes: number }
  | { readonly kind: 'corrupt'; readonly atByte: number }
  | { readonly kind: 'stall'; readonly ms: number; readonly afterBytes?: number }
  | { readonly kind: 'reset-upload'; readonly afterBytes: number };

/** Which requests get a fault, and how many of them. */
export interface Rule {
  readonly fault: Fault;
  readonly method?: string;
  /** Matches the path (with query) by substring or pattern. */
  readonly path?: string | RegExp;
  /** Only requests with (true) or without (false) a Range header. */
  readonly ranged?: boolean;
  /** How many matching requests get it (default 1). */
  readonly times?: number;
}

/** A running proxy. */
export interface FaultProxy {
  readonly origin: string;
  /** Queue faults; each applies to the next `times` matching requests. */
  inject(...rules: Rule[]): void;
  /** Forget every fault not yet used. */
  clear(): void;
  /** Every request seen, with the fault it got. */
  readonly log: { method: string; url: string; range?: string; fault?: Fault['kind'] }[];
  close(): Promise<void>;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

function drain(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    request.resume();
    request.on('end', resolve);
    request.on('close', resolve);
  });
}

/**
 * Start a proxy to `upstream` on an ephemeral loopback port.
 *
 * @param upstream - origin of the real store
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: { rule: Rule; left: number }[] = [];
  const log: FaultProxy['log'] = [];
  const agent = new Agent({ keepAlive: true });
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const pick = (request: IncomingMessage): Fault | undefined => {
    const url = request.url ?? '/';
    const found = rules.find(
      ({ rule, left }) =>
        left > 0 &&
        (rule.method === undefined || rule.method === request.method) &&
        (rule.path === undefined ||
          (typeof rule.path === 'string' ? url.includes(rule.path) : rule.path.test(url))) &&
        (rule.ranged === undefined || rule.ranged === (request.headers.range !== undefined)),
    );
    if (found === undefined) return undefined;
    found.left--;
    return found.rule.fault;
  };

  const server: Server = createServer(async (request, response) => {
    const fault = pick(request);
    log.push({
      method: request.method ?? '',
      url: request.url ?? '',
      ...(request.headers.range ? { range: request.headers.range } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    });
    if (fault?.kind === 'status') {
      await drain(request);
      response.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end('injected');
      return;
    }
    const headers = { ...request.headers, host: new URL(upstream).host };
    const outgoing = forward(`${upstream}${request.url}`, { method: request.method, headers, agent });
    let faulted = false;
    outgoing.on('error', () => {
      if (!faulted) response.destroy();
    });
    if (fault?.kind === 'reset-upload') {
      let seen = 0;
      request.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= fault.afterBytes) {
          outgoing.destroy();
          request.socket.resetAndDestroy();
        } else outgoing.write(chunk);
      });
      request.on('end', () => outgoing.end());
    } else request.pipe(outgoing);
    outgoing.on('response', (answer) => {
      const raw: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (!HOP.has((answer.rawHeaders[i] as string).toLowerCase())) {
          raw.push(answer.rawHeaders[i] as string, answer.rawHeaders[i + 1] as string);
        }
      }
      const start = () => {
        response.writeHead(answer.statusCode ?? 502, raw);
        let sent = 0;
        let stalled = false;
        answer.on('data', (chunk: Buffer) => {
          let bytes = chunk;
          const before = sent;
          sent += bytes.length;
          if (fault?.kind === 'corrupt' && fault.atByte >= before && fault.atByte < sent) {
            bytes = Buffer.from(bytes);
            bytes[fault.atByte - before] = (bytes[fault.atByte - before] as number) ^ 0xff;
          }
          if ((fault?.kind === 'reset' || fault?.kind === 'truncate') && sent >= fault.afterBytes) {
            const socket = response.socket;
            faulted = true;
            response.write(bytes.subarray(0, fault.afterBytes - before));
            answer.destroy();
            if (fault.kind === 'reset') later(5, () => socket?.resetAndDestroy());
            else socket?.end();
            return;
          }
          if (
            fault?.kind === 'stall' &&
            fault.afterBytes !== undefined &&
            !stalled &&
            sent >= fault.afterBytes
          ) {
            stalled = true;
            answer.pause();
            later(fault.ms, () => answer.resume());
          }
          if (!response.write(bytes)) {
            answer.pause();
            response.once('drain', () => answer.resume());
          }
        });
        answer.on('end', () => response.end());
      };
      if (fault?.kind === 'stall' && fault.afterBytes === undefined) later(fault.ms, start);
      else start();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    inject: (...added) => {
      for (const rule of added) rules.push({ rule, left: rule.times ?? 1 });
    },
    clear: () => void rules.splice(0),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
