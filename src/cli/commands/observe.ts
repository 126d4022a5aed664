/**
 * `parkit observe …`: delivery observability on a parkit server from the terminal — define and
 * list slot sequences, list slots and submissions, show one, find the latest completed or the
 * closest submission, and report expected deliveries (missing ones too). Connection options as
 * `parkit bucket` (`--server`/`PARKIT_SERVER` or `--data`; the admin key never as a flag value).
 *
 * @module
 */
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type {
  Delivery,
  SequenceDefinition,
  Slot,
  SlotSequence,
  SlotSubmission,
  Submission,
} from '../../observe/model.js';
import { type Page, ParkitObserver } from '../../observe/observer.js';
import { NotFoundError } from '../../par/errors.js';
import { examples, interruptSignal } from '../common.js';
import { printJson } from '../json.js';
import { type ConnectionOptions, resolveConnection, withConnection } from './bucket.js';

interface OutputFlags extends ConnectionOptions {
  json?: boolean;
}

interface WindowFlags extends OutputFlags {
  after?: string;
  before?: string;
  limit?: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Seconds from `90s`, `15m`, `1h30m`, `7d`, a plain number of seconds, or LucoPy's `d:HH:MM:SS`;
 * a leading `-` or `+` for offsets.
 *
 * @param text - what the user typed
 * @param option - the option's name, for the message
 * @throws RangeError for anything else
 */
export function parseSeconds(text: string, option: string): number {
  const match = /^([+-]?)(.+)$/.exec(text.trim()) as RegExpExecArray;
  const sign = match[1] === '-' ? -1 : 1;
  const body = match[2] as string;
  if (/^\d+(\.\d+)?$/.test(body)) return sign * Number(body);
  const luco = /^(\d+):(\d\d):(\d\d):(\d\d)$/.exec(body);
  if (luco !== null) {
    const [, d, h, m, s] = luco.map(Number) as number[];
    return sign * ((d as number) * 86_400 + (h as number) * 3600 + (m as number) * 60 + (s as number));
  }
  if (!/^(\d+[smhdw])+$/.test(body)) {
    throw new RangeError(`${option} must be like 90s, 15m, 1h30m, 7d, a number of seconds, or d:HH:MM:SS`);
  }
  let total = 0;
  for (const [, amount, unit] of body.matchAll(/(\d+)([smhdw])/g))
    total += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  return sign * total;
}

async function observer(flags: ConnectionOptions): Promise<ParkitObserver> {
  return new ParkitObserver(await resolveConnection(flags));
}

function maxItems(flags: { limit?: string }): number {
  if (flags.limit === undefined) return Number.POSITIVE_INFINITY;
  const limit = Number(flags.limit);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('--limit must be a positive integer');
  return limit;
}

/** Every item of a paged listing, up to `max`. */
async function collect<T>(
  max: number,
  page: (cursor: string | undefined, limit: number) => Promise<Page<T>>,
): Promise<T[]> {
  const found: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor, Math.min(1000, max - found.length));
    found.push(...next.items);
    cursor = next.next;
  } while (cursor !== undefined && found.length < max);
  return found;
}

function window(flags: WindowFlags) {
  return {
    ...(flags.after === undefined ? {} : { after: flags.after }),
    ...(flags.before === undefined ? {} : { before: flags.before }),
  };
}

const line = (...cells: (string | number | undefined)[]) =>
  process.stdout.write(`${cells.map((cell) => (cell === undefined ? '-' : String(cell))).join('\t')}\n`);

function scheduleText(sequence: SlotSequence): string {
  const schedule = sequence.schedule;
  return schedule === undefined ? 'unscheduled' : `every ${schedule.everySeconds}s from ${schedule.start}`;
}

function submissionLine(tag: string, submission: Submission): void {
  line(
    tag,
    submission.id,
    submission.status,
    submission.completed === undefined ? 'incomplete' : `completed ${submission.completed}`,
  );
}

function showSubmission(slot: Slot | undefined, submission: Submission): void {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  out(`submission ${submission.id} of ${submission.sequence} / ${submission.tag}`);
  if (slot !== undefined) out(`  expected   ${slot.expected}`);
  out(`  created    ${submission.created}`);
  out(
    `  status     ${submission.status ?? '-'}${submission.completed === undefined ? '' : ` (completed ${submission.completed})`}`,
  );
  for (const metric of submission.metrics)
    out(`  metric     ${metric.stage} ${metric.metric} = ${metric.value}`);
  for (const quality of submission.quality)
    out(`  quality    ${quality.stage} ${quality.tool}: ${quality.action} ${quality.results}`);
  for (const status of submission.statuses) {
    out(
      `  history    ${status.time} ${status.status}${status.stage === undefined ? '' : `/${status.stage}`}${status.message === undefined ? '' : `: ${status.message}`}`,
    );
  }
  for (const env of submission.runEnvironments)
    out(`  run        ${env.stage ?? '-'} ${JSON.stringify(env.data)}`);
}

function deliveryState(delivery: Delivery): string {
  if (delivery.completed !== undefined) return 'delivered';
  return delivery.slot ? 'incomplete' : 'missing';
}

function defineCommand(observe: Command): void {
  withConnection(
    observe
      .command('define')
      .description('create a slot sequence, or update it with --overwrite')
      .argument('<name>', 'the sequence name (lower case)'),
  )
    .option('--every <interval>', 'scheduled: time between deliveries (1d, 6h, 3600)')
    .option('--start <time>', 'scheduled: the first expected delivery (ISO 8601)')
    .option('--end <time>', 'scheduled: no deliveries after this (ISO 8601)')
    .option(
      '--tag-format <format>',
      'scheduled: luxon format of slot tags (default yyyy-MM-dd for whole days)',
    )
    .option(
      '--param <key=value>',
      'an ordered parameter (repeatable)',
      (value: string, list: string[]) => [...list, value],
      [],
    )
    .option('--description <text>', 'what the sequence is')
    .option('--overwrite', 'replace an existing, different definition')
    .option('--json', 'print { sequence, outcome } as JSON')
    .addHelpText(
      'after',
      examples(
        'parkit observe define sales-daily --every 1d --start 2024-05-01T06:00:00Z --param source=sales --data ./data',
        'parkit observe define adhoc-imports --description "uploads by hand"',
      ),
    )
    .action(
      async (
        name: string,
        flags: OutputFlags & {
          every?: string;
          start?: string;
          end?: string;
          tagFormat?: string;
          param: string[];
          description?: string;
          overwrite?: boolean;
        },
      ) => {
        if ((flags.every === undefined) !== (flags.start === undefined))
          throw new TypeError('give --every and --start together');
        const parameters = flags.param.map((text) => {
          const at = text.indexOf('=');
          if (at <= 0) throw new TypeError('--param must be key=value');
          return { key: text.slice(0, at), value: text.slice(at + 1) };
        });
        const definition: SequenceDefinition = {
          name,
          ...(flags.description === undefined ? {} : { description: flags.description }),
          parameters,
          ...(flags.every === undefined
            ? {}
            : {
                schedule: {
                  everySeconds: parseSeconds(flags.every, '--every'),
                  start: flags.start as string,
                  ...(flags.end === undefined ? {} : { end: flags.end }),
                  ...(flags.tagFormat === undefined ? {} : { tagFormat: flags.tagFormat }),
                },
              }),
        };
        const put = await (await observer(flags)).putSequence(definition, {
          overwrite: flags.overwrite === true,
          signal: interruptSignal(),
        });
        if (flags.json) printJson(put);
        else
          process.stdout.write(
            `${put.outcome} sequence ${put.sequence.name} (${scheduleText(put.sequence)})\n`,
          );
      },
    );
}

function listCommands(observe: Command): void {
  withConnection(observe.command('sequences').description('list the slot sequences'))
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print an array of sequences as JSON')
    .addHelpText(
      'after',
      examples('parkit observe sequences --data ./data', 'parkit observe sequences --json'),
    )
    .action(async (flags: OutputFlags & { limit?: string }) => {
      const client = await observer(flags);
      const signal = interruptSignal();
      const found = await collect(maxItems(flags), (cursor, limit) =>
        client.listSequences({ limit, signal, ...(cursor === undefined ? {} : { cursor }) }),
      );
      if (flags.json) printJson(found);
      else for (const sequence of found) line(sequence.name, scheduleText(sequence), sequence.description);
    });

  withConnection(
    observe
      .command('slots')
      .description("list a sequence's slots, oldest first")
      .argument('<sequence>', 'the sequence'),
  )
    .option('--after <time>', 'expected at or after this')
    .option('--before <time>', 'expected before this')
    .option('--newest', 'newest first')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print an array of slots as JSON')
    .addHelpText('after', examples('parkit observe slots sales-daily --after 2024-05-01 --newest --limit 7'))
    .action(async (sequence: string, flags: WindowFlags & { newest?: boolean }) => {
      const client = await observer(flags);
      const signal = interruptSignal();
      const found = await collect(maxItems(flags), (cursor, limit) =>
        client.listSlots(sequence, {
          ...window(flags),
          order: flags.newest ? 'newest' : 'oldest',
          limit,
          signal,
          ...(cursor === undefined ? {} : { cursor }),
        }),
      );
      if (flags.json) printJson(found);
      else
        for (const slot of found) line(slot.tag, slot.expected, slot.scheduled ? 'scheduled' : 'unscheduled');
    });

  withConnection(
    observe
      .command('submissions')
      .description("list a sequence's submissions (newest slots first), or one slot's")
      .argument('<sequence>', 'the sequence')
      .argument('[tag]', "only this slot's submissions (oldest first)"),
  )
    .option('--after <time>', 'slots expected at or after this')
    .option('--before <time>', 'slots expected before this')
    .option('--completed', 'only completed submissions')
    .option('--latest-submission', 'only the latest submission of each slot')
    .option('--latest-slot', 'only the latest slot with a matching submission')
    .option('--oldest', 'oldest slots first')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print an array of { slot, submission } (or submissions, with a tag) as JSON')
    .addHelpText(
      'after',
      examples('parkit observe submissions sales-daily --completed --latest-submission --after 2024-05-01'),
    )
    .action(
      async (
        sequence: string,
        tag: string | undefined,
        flags: WindowFlags & {
          completed?: boolean;
          latestSubmission?: boolean;
          latestSlot?: boolean;
          oldest?: boolean;
        },
      ) => {
        const client = await observer(flags);
        const signal = interruptSignal();
        if (tag !== undefined) {
          const found = await collect(maxItems(flags), (cursor, limit) =>
            client.listSubmissions(sequence, tag, {
              limit,
              signal,
              ...(cursor === undefined ? {} : { cursor }),
            }),
          );
          if (flags.json) printJson(found);
          else for (const submission of found) submissionLine(tag, submission);
          return;
        }
        const found: SlotSubmission[] = await collect(maxItems(flags), (cursor, limit) =>
          client.findSubmissions(sequence, {
            ...window(flags),
            order: flags.oldest ? 'oldest' : 'newest',
            onlyCompleted: flags.completed === true,
            onlyLatestSubmission: flags.latestSubmission === true,
            onlyLatestSlot: flags.latestSlot === true,
            limit,
            signal,
            ...(cursor === undefined ? {} : { cursor }),
          }),
        );
        if (flags.json) printJson(found);
        else for (const { slot, submission } of found) submissionLine(slot.tag, submission);
      },
    );
}

function findCommands(observe: Command): void {
  withConnection(
    observe
      .command('show')
      .description('show one submission: metrics, quality results, status history, run environments')
      .argument('<sequence>', 'the sequence')
      .argument('<tag>', 'the slot tag')
      .argument('<id>', 'the submission id'),
  )
    .option('--json', 'print { slot, submission } as JSON')
    .addHelpText('after', examples('parkit observe show sales-daily 2024-05-02 20240502T061502123Z-9f3a1c'))
    .action(async (sequence: string, tag: string, id: string, flags: OutputFlags) => {
      const client = await observer(flags);
      const signal = interruptSignal();
      const [slot, submission] = await Promise.all([
        client.getSlot(sequence, tag, { signal }),
        client.getSubmission({ sequence, tag, id }, { signal }),
      ]);
      if (flags.json) printJson({ slot, submission });
      else showSubmission(slot, submission);
    });

  withConnection(
    observe
      .command('latest')
      .description('the latest completed submission of a sequence')
      .argument('<sequence>', 'the sequence'),
  )
    .option('--after <time>', 'slots expected at or after this')
    .option('--before <time>', 'slots expected before this')
    .option('--json', 'print { slot, submission } as JSON')
    .addHelpText(
      'after',
      examples(
        'parkit observe latest sales-daily --json',
        'parkit observe latest sales-daily --before 2024-06-01',
      ),
    )
    .action(async (sequence: string, flags: WindowFlags) => {
      const found = await (await observer(flags)).latestCompleted(sequence, {
        ...window(flags),
        signal: interruptSignal(),
      });
      if (found === undefined)
        throw new NotFoundError(`no completed submission on ${JSON.stringify(sequence)} in that window`);
      if (flags.json) printJson(found);
      else submissionLine(found.slot.tag, found.submission);
    });

  withConnection(
    observe
      .command('closest')
      .description('the submission closest to a time, or to a slot plus an offset')
      .argument('<sequence>', 'the sequence'),
  )
    .option('--at <time>', 'search from this time (ISO 8601)')
    .option('--from <tag>', "search from this slot's expected time")
    .option('--offset <duration>', 'shift the time searched from (-7d, +1h30m, -1:00:00:00)')
    .option('--direction <direction>', 'historic (default), future, either or exact')
    .option('--completed', 'only completed submissions')
    .option('--json', 'print the find as JSON')
    .addHelpText(
      'after',
      examples('parkit observe closest sales-daily --from 2024-05-08 --offset -7d --completed'),
    )
    .action(
      async (
        sequence: string,
        flags: OutputFlags & {
          at?: string;
          from?: string;
          offset?: string;
          direction?: string;
          completed?: boolean;
        },
      ) => {
        if ((flags.at === undefined) === (flags.from === undefined))
          throw new TypeError('give either --at TIME or --from TAG');
        const offsetSeconds = flags.offset === undefined ? undefined : parseSeconds(flags.offset, '--offset');
        const direction = flags.direction ?? 'historic';
        if (!['historic', 'future', 'either', 'exact'].includes(direction)) {
          throw new RangeError('--direction must be historic, future, either or exact');
        }
        const target =
          flags.at !== undefined
            ? { at: flags.at, ...(offsetSeconds === undefined ? {} : { offsetSeconds }) }
            : { from: flags.from as string, ...(offsetSeconds === undefined ? {} : { offsetSeconds }) };
        const found = await (await observer(flags)).findClosest(sequence, target, {
          direction: direction as 'historic',
          onlyCompleted: flags.completed === true,
          signal: interruptSignal(),
        });
        if (found === undefined)
          throw new NotFoundError(`no submission on ${JSON.stringify(sequence)} matches`);
        if (flags.json) printJson(found);
        else {
          const away = found.exact
            ? 'exact'
            : `${found.differenceSeconds > 0 ? '+' : ''}${found.differenceSeconds}s`;
          line(
            found.slot.tag,
            found.submission.id,
            away,
            `${found.slotsApart} slots`,
            found.submission.status,
          );
        }
      },
    );

  withConnection(
    observe
      .command('deliveries')
      .description('every expected delivery of a window: delivered, incomplete or missing')
      .argument('<sequence>', 'the sequence'),
  )
    .requiredOption('--after <time>', 'from this time (inclusive)')
    .option('--before <time>', 'until this time (exclusive; default now)')
    .option('--json', 'print an array of deliveries as JSON')
    .addHelpText(
      'after',
      examples('parkit observe deliveries sales-daily --after 2024-05-01 --before 2024-06-01'),
    )
    .action(async (sequence: string, flags: WindowFlags) => {
      const before = flags.before ?? (DateTime.utc().toISO() as string);
      const found = await (await observer(flags)).deliveries(
        sequence,
        { after: flags.after as string, before },
        { signal: interruptSignal() },
      );
      if (flags.json) printJson(found);
      else
        for (const delivery of found)
          line(
            delivery.tag,
            delivery.expected,
            deliveryState(delivery),
            delivery.submissions,
            delivery.status,
          );
    });
}

/**
 * Register the command and its subcommands.
 *
 * @param program - the root command
 */
export function observeCommand(program: Command): void {
  const observe = program
    .command('observe')
    .description('delivery observability on a parkit server: sequences, slots, submissions')
    .addHelpText(
      'after',
      examples(
        'parkit observe sequences --data ./data',
        'parkit observe latest sales-daily --data ./data --json',
      ),
    );
  defineCommand(observe);
  listCommands(observe);
  findCommands(observe);
}
