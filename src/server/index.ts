/**
 * `parkit/server`: the embedded parkit server (Node only). It arrives with the server issue;
 * this entry point exists so the package shape is final.
 *
 * @packageDocumentation
 */

/** The version of the server API this entry point provides. */
export const SERVER_API_VERSION = 0;
