/**
 * The body of a `node:http` answer: its chunks as they come off the socket, held up to a limit
 * (the socket is paused beyond it), read natively as {@link BodyChunks} or through a web stream,
 * whichever the reader asks for first.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { type BodyChunks, type NativeBody, nativeChunks } from './body-chunks.js';

/** Bytes held before the socket is paused until the reader catches up. */
const HELD = 512 * 1024;

function cutShort(): Error {
  return Object.assign(new Error('the body was cut short'), { code: 'ECONNRESET' });
}

// Chunks queue up as 'data' arrives; `next()` hands over the whole queue at once. Chunks that
// arrived before a break are still handed over, then the break is reported.
class MessageChunks implements BodyChunks {
  readonly #message: IncomingMessage;
  #queue: Uint8Array[] = [];
  #held = 0;
  #paused = false;
  #state: 'open' | 'ended' | 'failed' | 'cancelled' = 'open';
  #failure: unknown;
  #waiting:
    | { resolve(batch: readonly Uint8Array[] | undefined): void; reject(error: unknown): void }
    | undefined;

  constructor(message: IncomingMessage) {
    this.#message = message;
    message.on('data', (chunk: Buffer) => this.#take(chunk));
    // Node only marks `complete`: a connection that closes before the announced length is a break.
    message.on('end', () => {
      if (message.complete) this.#settle('ended');
      else if (this.#state === 'open') this.#fail(cutShort());
    });
    message.on('error', (error) => this.#fail(error));
    message.on('close', () => {
      if (this.#state === 'open') this.#fail(cutShort());
    });
  }

  #take(chunk: Buffer): void {
    if (this.#state === 'cancelled') return;
    this.#queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#held += chunk.byteLength;
    if (this.#held >= HELD && !this.#paused) {
      this.#paused = true;
      this.#message.pause();
    }
    this.#notify();
  }

  #settle(state: 'ended' | 'cancelled'): void {
    if (this.#state !== 'open') return;
    this.#state = state;
    this.#notify();
  }

  #fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#failure = error;
    this.#notify();
  }

  // Answer a waiting `next()`, if any, with what there is now.
  #notify(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    this.#waiting = undefined;
    if (this.#queue.length > 0) waiting.resolve(this.#batch());
    else if (this.#state === 'failed') waiting.reject(this.#failure);
    else waiting.resolve(undefined);
  }

  #batch(): Uint8Array[] {
    const batch = this.#queue;
    this.#queue = [];
    this.#held = 0;
    if (this.#paused) {
      this.#paused = false;
      this.#message.resume();
    }
    return batch;
  }

  next(): Promise<readonly Uint8Array[] | undefined> {
    if (this.#queue.length > 0) return Promise.resolve(this.#batch());
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    if (this.#state !== 'open') return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  cancel(): void {
    this.#queue = [];
    this.#held = 0;
    // A body already read to its end leaves its connection to the next request.
    if (this.#state === 'ended' || this.#state === 'cancelled') return;
    this.#state = 'cancelled';
    this.#message.destroy();
    this.#notify();
  }
}

/** The body of one answer, for whichever reader comes first. */
export interface MessageBody {
  /** The native reader; undefined once the web stream is read or held (or a claim was made). */
  claim(): BodyChunks | undefined;
  /** The body as a web stream (made on the first call), itself offered for a native claim. */
  stream(): ReadableStream<Uint8Array>;
}

/**
 * The body of `message`. Reading starts at once, so a small body is taken whole and its
 * connection freed even if nobody reads it; past 512 KiB held the socket waits for the reader.
 *
 * @param message - an answer's message
 */
export function messageBody(message: IncomingMessage): MessageBody {
  const chunks = new MessageChunks(message);
  let taken: 'native' | 'web' | undefined;
  let stream: ReadableStream<Uint8Array> | undefined;
  const claim = () => {
    if (taken !== undefined || stream?.locked) return undefined;
    taken = 'native';
    return chunks;
  };
  const web = () =>
    new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (taken === 'native') throw new TypeError('the body is already being read');
          taken = 'web';
          const batch = await chunks.next();
          if (batch === undefined) controller.close();
          else for (const chunk of batch) controller.enqueue(chunk);
        },
        cancel() {
          chunks.cancel();
        },
      },
      { highWaterMark: 0 },
    );
  return {
    claim,
    stream() {
      if (stream === undefined) {
        stream = web();
        (stream as NativeBody)[nativeChunks] = claim;
      }
      return stream;
    },
  };
}
