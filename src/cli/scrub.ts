/**
 * A last safety net for anything the command prints about a failure: URLs reduced to their
 * redacted form, tokens and secret keys cut to their prefix. parkit's own errors never hold
 * secrets; this guards against text from elsewhere (a runtime error, a library message).
 *
 * @module
 */
import { redactUrl } from '../par/redact.js';

/**
 * Remove URLs' secret parts, Par tokens and age secret keys from a text.
 *
 * @param text - the text to print
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b(?:https?|file):\/\/[^\s"'<>)]+/gi, (url) => redactUrl(url))
    .replace(/AGE-SECRET-KEY-1[0-9A-Z]+/gi, 'AGE-SECRET-KEY-1…')
    .replace(/\bpar1[0-9a-z]{16,}/gi, 'par1…');
}
