/**
 * The web `Response` the `node:http` client answers with. Its body stream is made only when
 * someone asks for it (`body`, `text()`, …): the download engine reads the bytes natively
 * (`bodyChunks`) and never pays for a web stream, which costs more than the rest of a small
 * request on Node 20.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { type BodyChunks, nativeChunks } from './body-chunks.js';
import { type MessageBody, messageBody } from './node-body.js';

/** An answer whose body is read from the socket natively or, when asked, as a web stream. */
export class NodeResponse extends Response {
  readonly #body: MessageBody;
  #web: Response | undefined;

  /**
   * @param message - the answer's message, body unread
   * @param init - status and status text
   */
  constructor(message: IncomingMessage, init: ResponseInit) {
    super(null, init);
    this.#body = messageBody(message);
  }

  /** The body read natively (see `bodyChunks`), unless it is already being read. */
  [nativeChunks](): BodyChunks | undefined {
    return this.#body.claim();
  }

  // The same answer as a plain Response, made the first time the body is used the web way.
  #real(): Response {
    this.#web ??= new Response(this.#body.stream() as ReadableStream<Uint8Array<ArrayBuffer>>, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    return this.#web;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#real().body as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override get bodyUsed(): boolean {
    return this.#web?.bodyUsed ?? false;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#real().arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return this.#real().blob();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#real().bytes();
  }

  override formData(): Promise<FormData> {
    return this.#real().formData();
  }

  override json(): Promise<unknown> {
    return this.#real().json();
  }

  override text(): Promise<string> {
    return this.#real().text();
  }

  override clone(): Response {
    return this.#real().clone();
  }
}
