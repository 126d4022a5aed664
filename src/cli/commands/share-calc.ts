/**
 * `parkit share-calc <calculation>`: mint an executable Par on a parkit server — one calculation
 * of its functions directory, with bound arguments (`--arg`), the arguments the holder may set
 * (`--settable`), input and output bucket grants, a run limit — sealed to the recipients given,
 * and print its token.
 *
 * @module
 */
import type { Command } from 'commander';
import type { BucketGrantRequest, ExecutableParRequest } from '../../issuers/parkit-calculations.js';
import type { Permission } from '../../par/permissions.js';
import { type ConnectionOptions, connect, withConnection } from './bucket.js';
import { collect, parseArgs } from './run-arguments.js';
import { parseExpires, readRecipients } from './share.js';

interface ShareCalcOptions extends ConnectionOptions {
  to: string[];
  expires: string;
  arg: string[];
  settable?: string;
  input: string[];
  output: string[];
  maxRuns?: string;
  name?: string;
  json?: boolean;
}

const PERMISSIONS = new Set(['read', 'write', 'list', 'delete']);

/**
 * Parse a grant option: `NAME=BUCKET[/PREFIX/][:PERMISSION,…]`.
 *
 * @param text - what the user typed
 * @param option - `--input` or `--output`, for messages
 * @throws TypeError when malformed
 */
export function parseGrant(text: string, option: string): [string, BucketGrantRequest] {
  const match = /^([A-Za-z][\w-]{0,63})=([^/:]+)(?:\/([^:]*))?(?::([a-z,]+))?$/.exec(text);
  if (match === null) throw new TypeError(`${option} takes NAME=BUCKET[/PREFIX/][:PERMISSION,…]`);
  const [, name = '', bucket = '', prefix, permissions] = match;
  const listed = permissions?.split(',').filter((p) => p !== '');
  if (listed !== undefined && !listed.every((p) => PERMISSIONS.has(p)))
    throw new TypeError(`${option} ${name}: permissions are read, write, list, delete`);
  return [
    name,
    {
      bucket,
      ...(prefix === undefined || prefix === '' ? {} : { prefix }),
      ...(listed === undefined ? {} : { permissions: listed as Permission[] }),
    },
  ];
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function shareCalcCommand(program: Command): void {
  withConnection(
    program
      .command('share-calc')
      .description('mint an executable Par for one calculation of a parkit server, sealed to recipients')
      .argument('<calculation>', 'the calculation (the exported function name in the functions directory)'),
  )
    .requiredOption('--to <recipient>', 'an age1… recipient, or a file of them (repeatable)', collect, [])
    .requiredOption('--expires <lifetime>', 'lifetime (90s, 15m, 2h, 1h30m, 7d) or an ISO 8601 time')
    .option('--arg <name=value>', 'bind an argument (NAME:=JSON for a JSON value); repeatable', collect, [])
    .option('--settable <names>', 'comma-separated arguments the holder may set')
    .option('--input <grant>', 'input grant NAME=BUCKET[/PREFIX/][:read,list] (repeatable)', collect, [])
    .option(
      '--output <grant>',
      'output grant NAME=BUCKET[/PREFIX/][:write,read,list,delete] (repeatable)',
      collect,
      [],
    )
    .option('--max-runs <n>', 'most runs allowed (default: no limit)')
    .option('--name <label>', 'a label for the Par')
    .option('--json', 'print { token, fingerprint, … } as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  parkit share-calc checksumReport --to age1… --expires 2h --data ./data \\\n' +
        '    --input data=reports/q3/ --output reports=reports/checks/ --arg prefix=q3/ --max-runs 3\n' +
        '  parkit share-calc checksumReport --to team.txt --expires 1d --settable algorithm --input data=raw',
    )
    .action(async (calculation: string, options: ShareCalcOptions) => {
      const admin = await connect(options);
      let properties: Record<string, { type?: unknown }> = {};
      if (options.arg.length > 0) {
        const found = (await admin.listCalculations()).find((c) => c.name === calculation);
        properties = (found?.schema as { properties?: Record<string, { type?: unknown }> })?.properties ?? {};
      }
      const maxRuns = options.maxRuns === undefined ? undefined : Number(options.maxRuns);
      if (maxRuns !== undefined && (!/^\d+$/.test(options.maxRuns ?? '') || maxRuns < 1))
        throw new RangeError('--max-runs must be a positive integer');
      const request: ExecutableParRequest = {
        calculation,
        expires: parseExpires(options.expires),
        recipients: await readRecipients(options.to),
        ...(options.arg.length === 0 ? {} : { arguments: parseArgs(options.arg, properties) }),
        ...(options.settable === undefined
          ? {}
          : {
              settable: options.settable
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== ''),
            }),
        ...(options.input.length === 0
          ? {}
          : { inputs: Object.fromEntries(options.input.map((g) => parseGrant(g, '--input'))) }),
        ...(options.output.length === 0
          ? {}
          : { outputs: Object.fromEntries(options.output.map((g) => parseGrant(g, '--output'))) }),
        ...(maxRuns === undefined ? {} : { maxRuns }),
        ...(options.name === undefined ? {} : { name: options.name }),
      };
      const par = await admin.createExecutablePar(request);
      const token = par.toToken();
      if (options.json) console.log(JSON.stringify({ ...par.toJSON(), token }));
      else {
        console.error(String(par));
        console.log(token);
      }
    });
}
