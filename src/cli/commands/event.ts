/**
 * `parkit event`: wrap a token in a share CloudEvent; print it, or POST it to a sink (another
 * team's `parkit watch`, a broker) in structured or binary mode.
 *
 * @module
 */
import type { Command } from 'commander';
import { encodeHttp, type HttpMode, sendCloudEvent, shareCloudEvent } from '../../handoff/node-events.js';
import { Par } from '../../par/par.js';
import { redactUrl } from '../../par/redact.js';
import { examples, TOKEN_HELP } from '../common.js';
import { readTokenArgument } from '../io.js';
import { printJson } from '../json.js';

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function eventCommand(program: Command): void {
  program
    .command('event')
    .description('make a share CloudEvent (dev.parkit.par.shared) for a token; print or POST it')
    .argument('[token]', TOKEN_HELP, '-')
    .option('--source <uri>', 'the CloudEvents source', 'urn:parkit:cli')
    .option('--post <url>', 'POST the event here instead of printing it')
    .option('--mode <structured|binary>', 'HTTP mode for --post', 'structured')
    .option('--json', 'with --post: print the outcome as JSON')
    .addHelpText(
      'after',
      examples(
        'parkit event @shared.txt > event.json',
        'parkit event @shared.txt --post http://127.0.0.1:8787/',
        'parkit event @shared.txt --post https://events.example.org/ --mode binary',
      ),
    )
    .action(
      async (token: string, options: { source: string; post?: string; mode: string; json?: boolean }) => {
        if (options.mode !== 'structured' && options.mode !== 'binary')
          throw new RangeError('--mode must be structured or binary');
        const par = Par.fromToken(await readTokenArgument(token));
        const event = shareCloudEvent(par, { source: options.source });
        if (options.post === undefined) {
          process.stdout.write(`${encodeHttp(event, 'structured').body}\n`);
          return;
        }
        const status = await sendCloudEvent(options.post, event, { mode: options.mode as HttpMode });
        if (options.json)
          printJson({ id: event.id, fingerprint: par.fingerprint(), status, sink: redactUrl(options.post) });
        else
          process.stderr.write(
            `sent ${event.id} (${par.fingerprint()}) to ${redactUrl(options.post)}: ${status}\n`,
          );
      },
    );
}
