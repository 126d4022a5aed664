/**
 * Stored access policies on Azurite: revocable Pars (a policy of their own, removed by
 * `issuer.revoke`), Pars sharing a named policy, the five-policy limit, pruning of expired
 * parkit policies, and what a holder's `close()` says.
 */
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AZURE_PARKIT_POLICY_PREFIX,
  MAX_AZURE_STORED_POLICIES,
  type ObjectTarget,
  type Par,
} from '../../../src/index.js';
import { accountRequest } from '../../../src/issuers/azure/account.js';
import { getContainerAcl } from '../../../src/issuers/azure/policies.js';
import { accountAccess, createContainer } from '../../servers/azurite.js';
import { azurite, azuriteIssuer, failure, scene } from './context.js';

let setup: Awaited<ReturnType<typeof scene>>;
beforeAll(async () => {
  setup = await scene('policies');
  const writer = await (
    await setup.issuer.createPar({
      container: setup.container,
      blob: 'shared.txt',
      permissions: ['write'],
      expiresIn: 600,
      recipients: [setup.recipient],
    })
  ).write(setup.identity);
  await writer.setStringObject('shared content');
});

async function readThrough(par: Par<ObjectTarget>): Promise<string> {
  return (await par.read(setup.identity)).getStringObject();
}

function revocable(container: string, issuer = setup.issuer, extra: Record<string, unknown> = {}) {
  return issuer.createPar({
    container,
    blob: 'shared.txt',
    permissions: ['read'],
    expiresIn: 600,
    recipients: [setup.recipient],
    revocable: true,
    ...extra,
  });
}

describe('stored access policies on Azurite', () => {
  it('binds a revocable Par to a policy of its own, and revoking it ends the Par at once', async () => {
    const par = await revocable(setup.container);
    expect(par.id).toMatch(new RegExp(`^${AZURE_PARKIT_POLICY_PREFIX}[0-9a-f]{32}$`));
    const query = new URL(await par.url(setup.identity)).searchParams;
    // The SAS names the policy; permissions and expiry live in the policy.
    expect(query.get('si')).toBe(par.id);
    expect(query.has('sp')).toBe(false);
    expect(query.has('se')).toBe(false);
    const stored = (await setup.issuer.listPolicies(setup.container)).find((policy) => policy.id === par.id);
    expect(stored?.permissions).toBe('r');
    expect(stored?.expires?.toMillis()).toBe(par.expires.toMillis());

    expect(await readThrough(par)).toBe('shared content');
    expect(await setup.issuer.revoke(par)).toBe(true);
    const error = await failure(() => readThrough(par));
    expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
    expect(error.message).toMatch(/revoked/);
    expect(await setup.issuer.revoke(par)).toBe(false);
  });

  it("says why a holder's close() cannot revoke, and who can", async () => {
    const bound = await revocable(setup.container);
    const boundError = await failure(() => bound.close(setup.identity));
    expect(boundError.code).toBe('PARKIT_NOT_SUPPORTED');
    expect(boundError.message).toMatch(/needs the account key/);
    expect(boundError.message).toContain(bound.id);
    // Still works: close() pretended nothing.
    expect(await readThrough(bound)).toBe('shared content');
    await setup.issuer.revoke(bound);

    const plain = await setup.issuer.createPar({
      container: setup.container,
      blob: 'shared.txt',
      permissions: ['read'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    const plainError = await failure(() => plain.close(setup.identity));
    expect(plainError.code).toBe('PARKIT_NOT_SUPPORTED');
    expect(plainError.message).toMatch(/bound to no stored access policy/);
    expect((await failure(() => setup.issuer.revoke(plain))).code).toBe('PARKIT_NOT_SUPPORTED');
  });

  it('lets several Pars share a named policy; removing it revokes them all', async () => {
    const container = await createContainer(azurite(), 'shared');
    const issuer = setup.issuer;
    const writer = await (
      await issuer.createPar({
        container,
        blob: 'a.txt',
        permissions: ['write'],
        expiresIn: 600,
        recipients: [setup.recipient],
      })
    ).write(setup.identity);
    await writer.setStringObject('team data');
    const policy = await issuer.setPolicy(container, {
      id: 'team-read',
      permissions: ['read', 'list'],
      expiresIn: 900,
    });
    expect(policy).toMatchObject({ id: 'team-read', permissions: 'rl' });
    const object = await issuer.createPar({
      container,
      blob: 'a.txt',
      policy: 'team-read',
      recipients: [setup.recipient],
    });
    const bucket = await issuer.createPar({ container, policy: 'team-read', recipients: [setup.recipient] });
    // The Pars carry what the policy grants and when it ends.
    expect(object.permissions).toEqual(['read']);
    expect(bucket.permissions).toEqual(['read', 'list']);
    expect(object.expires.toMillis()).toBe(policy.expires?.toMillis());
    expect(object.id).toBe('team-read');
    expect(await readThrough(object)).toBe('team data');
    expect(await (await bucket.read(setup.identity)).getAllObjectNames()).toEqual(['a.txt']);

    const mismatch = await failure(() =>
      issuer.createPar({
        container,
        blob: 'a.txt',
        policy: 'team-read',
        permissions: ['read', 'write'],
        recipients: [setup.recipient],
      }),
    );
    expect(mismatch).toBeInstanceOf(RangeError);
    const missing = await failure(() =>
      issuer.createPar({ container, blob: 'a.txt', policy: 'nope', recipients: [setup.recipient] }),
    );
    expect(missing.code).toBe('PARKIT_NOT_FOUND');

    expect(await issuer.removePolicy(container, 'team-read')).toBe(true);
    expect((await failure(() => readThrough(object))).code).toBe('PARKIT_PERMISSION_DENIED');
    expect((await failure(async () => (await bucket.read(setup.identity)).getAllObjectNames())).code).toBe(
      'PARKIT_PERMISSION_DENIED',
    );
  });

  it(`refuses a sixth policy with a clear error (Azure keeps at most ${MAX_AZURE_STORED_POLICIES})`, async () => {
    const container = await createContainer(azurite(), 'limit');
    await setup.issuer.setPolicy(container, { id: 'theirs', permissions: 'r' });
    const pars = [];
    for (let index = 1; index < MAX_AZURE_STORED_POLICIES; index++) pars.push(await revocable(container));
    expect(await setup.issuer.listPolicies(container)).toHaveLength(MAX_AZURE_STORED_POLICIES);
    const error = await failure(() => revocable(container));
    expect(error.code).toBe('PARKIT_CONFLICT');
    expect(error.message).toMatch(/already has 5 stored access policies/);
    expect(
      (await failure(() => setup.issuer.setPolicy(container, { id: 'sixth', permissions: 'r' }))).code,
    ).toBe('PARKIT_CONFLICT');
    // Replacing an existing policy is not a sixth.
    await setup.issuer.setPolicy(container, { id: 'theirs', permissions: 'rl' });
    await setup.issuer.revoke(pars[0] as Par);
    const fresh = await revocable(container);
    const ids = (await setup.issuer.listPolicies(container)).map((policy) => policy.id);
    expect(ids).toContain(fresh.id);
    expect(ids).not.toContain(pars[0]?.id);
    expect(ids).toHaveLength(MAX_AZURE_STORED_POLICIES);
  });

  it('makes room by dropping expired parkit policies, never the others', async () => {
    const container = await createContainer(azurite(), 'prune');
    let now = DateTime.utc();
    const issuer = azuriteIssuer({ now: () => now });
    await issuer.setPolicy(container, { id: 'keep-me', permissions: 'r', expiresIn: 60 });
    for (let index = 1; index < MAX_AZURE_STORED_POLICIES; index++)
      await revocable(container, issuer, { expiresIn: 60 });
    expect(await issuer.listPolicies(container)).toHaveLength(MAX_AZURE_STORED_POLICIES);
    now = now.plus({ minutes: 5 });
    const par = await revocable(container, issuer, { expiresIn: 600 });
    const ids = (await issuer.listPolicies(container)).map((policy) => policy.id).sort();
    expect(ids).toEqual(['keep-me', par.id].sort());
  });

  it('leaves no policy behind when the Par cannot be made', async () => {
    const container = await createContainer(azurite(), 'leftover');
    const error = await failure(() =>
      revocable(container, setup.issuer, { recipients: ['age1notarecipient'] }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(await setup.issuer.listPolicies(container)).toEqual([]);
  });

  it('an expired stored policy is an ExpiredError (judged by the server)', async () => {
    const slow = azuriteIssuer({ now: () => DateTime.utc().minus({ hours: 2 }) });
    const par = await revocable(setup.container, slow, { expiresIn: 3600 });
    expect(par.isExpired()).toBe(false);
    const error = await failure(() => readThrough(par));
    expect(error.code).toBe('PARKIT_EXPIRED');
    await setup.issuer.revoke(par);
  });

  it("keeps the container's public access level when it changes the policies", async () => {
    const container = await createContainer(azurite(), 'public');
    const response = await accountRequest(accountAccess(azurite()), {
      method: 'PUT',
      url: new URL(`${azurite().endpoint}/${container}?restype=container&comp=acl`),
      headers: { 'x-ms-blob-public-access': 'blob' },
    });
    await response.body?.cancel();
    const par = await revocable(container);
    const acl = await getContainerAcl(accountAccess(azurite()), `${azurite().endpoint}/${container}`);
    expect(acl.publicAccess).toBe('blob');
    expect(acl.policies.map((policy) => policy.id)).toEqual([par.id]);
  });
});
