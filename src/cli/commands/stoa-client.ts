/**
 * The options every `parkit stoa` subcommand shares, and the client they make: product from
 * flags, credentials from flags or the environment (`STOA_EMAIL`/`STOA_PASSWORD` for `rest`,
 * `STOA_CLIENT_ID`/`STOA_CLIENT_SECRET` for `oauth2`), service URLs from `--env` and overrides.
 * Credentials are never printed.
 *
 * @module
 */
import type { Command } from 'commander';
import { StoaClient } from '../../stoa/client.js';
import type { StoaClientOptions, StoaEnvironment, StoaWorkspace } from '../../stoa/options.js';

/** The shared flags, as commander parses them. */
export interface StoaFlags {
  readonly env?: string;
  readonly auth?: string;
  readonly email?: string;
  readonly password?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly productGroup: string;
  readonly product: string;
  readonly workspace: string;
  readonly owner: string;
  readonly productVersion?: string;
  readonly offset?: string;
  readonly limit?: string;
  readonly ascending?: boolean;
  readonly loginUrl?: string;
  readonly tokenUrl?: string;
  readonly orderUrl?: string;
  readonly signUrl?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

/**
 * Add the shared flags to a subcommand.
 *
 * @param command - the subcommand
 */
export function stoaOptions(command: Command): Command {
  return command
    .requiredOption('--product-group <name>', 'product group name')
    .requiredOption('--product <name>', 'product name')
    .requiredOption('--workspace <apps|cart>', 'workspace')
    .requiredOption('--owner <id>', 'owner id')
    .option('--product-version <v>', 'product version (default 1.0)')
    .option('--offset <n>', 'first key to order (default 0)')
    .option('--limit <n>', 'keys to order, 1 to 20 (default 20)')
    .option('--ascending', 'oldest first')
    .option('--env <dev|prod>', 'service environment (default $STOA_ENV or dev)')
    .option('--auth <rest|oauth2>', 'authentication (default: whichever credentials are given)')
    .option('--email <email>', 'rest login e-mail (default $STOA_EMAIL)')
    .option('--password <password>', 'rest password (prefer $STOA_PASSWORD: flags show in ps)')
    .option('--client-id <id>', 'OAuth2 client id (default $STOA_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth2 client secret (prefer $STOA_CLIENT_SECRET)')
    .option('--login-url <url>', 'override the rest login URL ($STOA_LOGIN_URL)')
    .option('--token-url <url>', 'override the OAuth2 token URL ($STOA_TOKEN_URL)')
    .option('--order-url <url>', 'override the order URL ($STOA_ORDER_URL)')
    .option('--sign-url <url>', 'override the sign URL ($STOA_SIGN_URL)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds')
    .option('--json', 'machine-readable output');
}

function integer(value: string | undefined, argument: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new RangeError(`${argument} must be an integer`);
  return Number(value);
}

/**
 * A client from the flags and the environment.
 *
 * @param flags - the parsed flags
 * @throws TypeError when no credentials are given, or the client's own argument errors
 */
export function stoaClient(flags: StoaFlags): StoaClient {
  const env = process.env;
  const email = flags.email ?? env.STOA_EMAIL;
  const password = flags.password ?? env.STOA_PASSWORD;
  const clientId = flags.clientId ?? env.STOA_CLIENT_ID;
  const clientSecret = flags.clientSecret ?? env.STOA_CLIENT_SECRET;
  const auth = flags.auth ?? (clientId !== undefined && clientSecret !== undefined ? 'oauth2' : 'rest');
  let credentials: Record<string, string>;
  if (auth === 'oauth2') {
    if (clientId === undefined || clientSecret === undefined)
      throw new TypeError('oauth2 needs --client-id and $STOA_CLIENT_SECRET (or --client-secret)');
    credentials = { authentication: 'oauth2', clientId, clientSecret };
  } else if (auth === 'rest') {
    if (email === undefined || password === undefined)
      throw new TypeError(
        'rest login needs --email and $STOA_PASSWORD (or --password), or oauth2 client credentials',
      );
    credentials = { authentication: 'rest', email, password };
  } else {
    throw new RangeError('--auth must be rest or oauth2');
  }
  const urls = Object.fromEntries(
    (
      [
        ['login', flags.loginUrl ?? env.STOA_LOGIN_URL],
        ['token', flags.tokenUrl ?? env.STOA_TOKEN_URL],
        ['order', flags.orderUrl ?? env.STOA_ORDER_URL],
        ['sign', flags.signUrl ?? env.STOA_SIGN_URL],
      ] as const
    ).filter(([, url]) => url !== undefined),
  );
  const offset = integer(flags.offset, '--offset');
  const limit = integer(flags.limit, '--limit');
  const timeout = integer(flags.timeout, '--timeout');
  const options = {
    ...credentials,
    productGroupName: flags.productGroup,
    productName: flags.product,
    workspace: flags.workspace as StoaWorkspace,
    ownerId: flags.owner,
    environment: (flags.env ?? env.STOA_ENV ?? 'dev') as StoaEnvironment,
    urls,
    ...(flags.productVersion === undefined ? {} : { version: flags.productVersion }),
    ...(offset === undefined ? {} : { offset }),
    ...(limit === undefined ? {} : { limit }),
    ...(flags.ascending === undefined ? {} : { ascending: true }),
    ...(timeout === undefined ? {} : { timeout }),
  } as StoaClientOptions;
  return new StoaClient(options);
}
