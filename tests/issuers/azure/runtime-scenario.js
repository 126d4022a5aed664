// The Azure scenario in plain JavaScript, so Deno, Bun and a browser run it as is against the
// same Azurite: mint a container Par and a revocable blob Par with the account key, write,
// list and read through them, revoke, and report facts for the test to assert.
export async function azureScenario(parkit, { endpoint, accountName, accountKey, container }) {
  const { AzureIssuer, generateIdentity, identityToRecipient, isParkitError } = parkit;
  const facts = {};
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const issuer = new AzureIssuer({ accountName, accountKey, endpoint });
  const bucket = await issuer.createPar({
    container,
    permissions: ['read', 'write', 'list'],
    expiresIn: 600,
    recipients: [recipient],
  });
  const writer = await bucket.write(identity);
  await writer.setStringObject('runtime/ü b+c.txt', 'hello azure');
  const reader = await bucket.read(identity);
  facts.names = await reader.getAllObjectNames({ prefix: 'runtime/' });
  facts.text = await reader.getStringObject('runtime/ü b+c.txt');
  const single = await issuer.createPar({
    container,
    blob: 'runtime/ü b+c.txt',
    permissions: ['read'],
    expiresIn: 600,
    recipients: [recipient],
    revocable: true,
  });
  facts.beforeRevoke = await (await single.read(identity)).getStringObject();
  facts.revoked = await issuer.revoke(single);
  facts.afterRevoke = await (await single.read(identity)).getStringObject().then(
    () => 'still readable',
    (error) => (isParkitError(error) ? error.code : String(error)),
  );
  facts.keyHidden = !JSON.stringify(issuer).includes(accountKey) && !String(issuer).includes(accountKey);
  return facts;
}
