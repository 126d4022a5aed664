// The isomorphic-core scenario, plain JavaScript so every runtime runs it as is: mint a Par,
// hand it over as a token and as data, open it, read the object over https (fetch), check
// tamper detection, and try local files (which must work on server runtimes and fail with
// NotSupportedError in a browser). Returns facts for the test to assert.
export async function scenario(parkit, { objectUrl, fileUrl, vector }) {
  const { Par, generateIdentity, identityToRecipient, isParkitError } = parkit;
  const facts = {};
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const par = await Par.create({
    url: objectUrl,
    driver: 'https',
    target: { kind: 'object', key: 'hello.txt' },
    permissions: ['read'],
    expires: { minutes: 5 },
    recipients: [recipient],
  });
  const received = Par.fromToken(par.toToken());
  facts.sameFingerprint = received.fingerprint() === par.fingerprint();
  facts.dataRoundTrip =
    Par.fromData(JSON.parse(JSON.stringify(par.toData()))).fingerprint() === par.fingerprint();
  facts.text = await (await received.read(identity)).getStringObject();
  facts.noSecretInJson = !JSON.stringify(received).includes(objectUrl);
  const other = await generateIdentity();
  facts.wrongIdentity = await received.url(other).then(
    () => 'opened',
    (error) => (isParkitError(error) ? error.code : String(error)),
  );
  const golden = Par.fromToken(vector.token, { now: () => Date.parse(vector.now) });
  facts.goldenFingerprint = golden.fingerprint() === vector.fingerprint;
  facts.goldenUrl = (await golden.url(vector.identity)) === vector.url;
  const reader = await received.read(identity);
  facts.saveToFile = await reader.getObjectAsFile(fileUrl).then(
    (saved) => `saved ${saved.size}`,
    (error) => (isParkitError(error) ? error.code : String(error)),
  );
  return facts;
}
