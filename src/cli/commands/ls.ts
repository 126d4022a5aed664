/**
 * `parkit ls`: list what a bucket Par reaches (every page), optionally with sizes and times.
 *
 * @module
 */
import type { Command } from 'commander';
import type { BucketReader } from '../../access/bucket-reader.js';
import type { ListedObject } from '../../access/endpoint.js';
import type { ObjectReader } from '../../access/object-reader.js';
import { isoUtc } from '../../par/metadata.js';
import {
  type CommonOptions,
  examples,
  identityOption,
  interruptSignal,
  outputOptions,
  parAndIdentity,
  TOKEN_HELP,
} from '../common.js';
import { printJson } from '../json.js';

function row(object: ListedObject): string {
  const size = object.size === undefined ? '-' : String(object.size);
  const time = object.lastModified === undefined ? '-' : isoUtc(object.lastModified);
  return `${size.padStart(12)}  ${time.padEnd(24)}  ${object.key}`;
}

function jsonOf(object: ListedObject): Record<string, unknown> {
  return {
    key: object.key,
    ...(object.size === undefined ? {} : { size: object.size }),
    ...(object.etag === undefined ? {} : { etag: object.etag }),
    ...(object.lastModified === undefined ? {} : { lastModified: isoUtc(object.lastModified) }),
  };
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function lsCommand(program: Command): void {
  const command = program
    .command('ls')
    .description('list the objects a bucket Par reaches (all pages), or the one object of an object Par')
    .argument('<token>', TOKEN_HELP)
    .argument('[prefix]', 'only keys starting with this')
    .option('-l, --long', 'show size and modification time');
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit ls @bucket.txt',
        'parkit ls @bucket.txt notes/ --long',
        'parkit ls @bucket.txt --json | jq -r ".[].key"',
      ),
    )
    .action(
      async (token: string, prefix: string | undefined, options: CommonOptions & { long?: boolean }) => {
        const { par, identity } = await parAndIdentity(token, options);
        const signal = interruptSignal();
        const objects: ListedObject[] = [];
        if (par.isObject()) {
          const stat = await ((await par.read(identity)) as ObjectReader).stat({ signal });
          if (prefix === undefined || par.target.key.startsWith(prefix))
            objects.push({ key: par.target.key, ...stat });
        } else if (par.isBucket()) {
          const reader = (await par.read(identity)) as BucketReader;
          let continuation: string | undefined;
          do {
            const page = await reader.listObjects({
              signal,
              ...(prefix === undefined ? {} : { prefix }),
              ...(continuation === undefined ? {} : { continuation }),
            });
            objects.push(...page.objects);
            // Print as pages arrive, so a huge listing starts at once.
            if (!options.json)
              for (const object of page.objects)
                process.stdout.write(`${options.long ? row(object) : object.key}\n`);
            continuation = page.continuation;
          } while (continuation !== undefined);
          if (options.json) printJson(objects.map(jsonOf));
          return;
        } else {
          throw new TypeError('a calculation Par has nothing to list');
        }
        if (options.json) printJson(objects.map(jsonOf));
        else
          for (const object of objects) process.stdout.write(`${options.long ? row(object) : object.key}\n`);
      },
    );
}
