/**
 * `parkit/server`: the embedded parkit server (Node only). It arrives with the server issue;
 * this entry point exists so the package shape is final.
 *
 * @packageDocumentation
 */

/** The version of the server API this entry point provides. */
export const SERVER_API_VERSION = 0;
export {
  decodeHttp,
  encodeHttp,
  type HttpMessage,
  type HttpMode,
  MAX_EVENT_BYTES,
  type ReceivedEvent,
  sendCloudEvent,
  shareCloudEvent,
} from '../handoff/node-events.js';
export {
  type WatchLogEntry,
  type WatchOptions,
  type WatchServer,
  watchShares,
} from '../handoff/node-listener.js';
