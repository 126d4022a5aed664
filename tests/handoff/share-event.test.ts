/**
 * The share event: built with the CloudEvents SDK, carried in both HTTP modes, decoded and
 * checked strictly. A relabelled or malformed event is a typed error that never echoes the token.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { isParkitError, readShareEvent, SHARE_EVENT_TYPE, shareEvent } from '../../src/index.js';
import { decodeHttp, encodeHttp, shareCloudEvent } from '../../src/server/index.js';
import { keyPair, makePar } from '../helpers/fixtures.js';

const alice = await keyPair();
const par = await makePar(alice.recipient, { name: 'q3 report' });
const token = par.toToken();

function refused(run: () => unknown): Error & { field?: string } {
  try {
    run();
  } catch (error) {
    expect(isParkitError(error, 'PARKIT_INVALID_FORMAT')).toBe(true);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(token.slice(10, 60));
    return error as Error & { field?: string };
  }
  throw new Error('expected a refusal');
}

describe('share events', () => {
  it('carry the sealed token and non-secret metadata, never the URL', () => {
    const event = shareEvent(par, { source: 'urn:team:a', id: 'e-1' });
    expect(event).toMatchObject({
      specversion: '1.0',
      type: SHARE_EVENT_TYPE,
      id: 'e-1',
      source: 'urn:team:a',
      subject: par.fingerprint(),
      data: {
        v: 1,
        token,
        fingerprint: par.fingerprint(),
        driver: 'https',
        target: par.target,
        name: 'q3 report',
      },
    });
    expect(JSON.stringify(event)).not.toContain('X-Amz-Signature');
  });

  for (const mode of ['structured', 'binary'] as const) {
    it(`round-trip through the SDK's ${mode} HTTP mode`, () => {
      const message = encodeHttp(shareCloudEvent(par, { source: 'urn:team:a' }), mode);
      if (mode === 'structured')
        expect(message.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      else expect(message.headers['ce-type']).toBe(SHARE_EVENT_TYPE);
      const received = decodeHttp(message.headers, message.body);
      expect(received.kind).toBe('share');
      if (received.kind === 'share') {
        expect(received.share.par.fingerprint()).toBe(par.fingerprint());
        expect(received.share.source).toBe('urn:team:a');
      }
    });
  }

  it('accept what another SDK user sends (fields in another order)', () => {
    const data = shareEvent(par).data;
    const reordered = { ...data, target: { key: par.target.key, kind: 'object' } };
    const event = new CloudEvent({
      type: SHARE_EVENT_TYPE,
      source: 'urn:x',
      data: reordered,
      datacontenttype: 'application/json',
    });
    const message = HTTP.binary(event);
    expect(decodeHttp(message.headers as Record<string, string>, message.body as string).kind).toBe('share');
  });

  it('refuse an event whose metadata does not match its token', () => {
    const event = shareEvent(par);
    expect(
      refused(() => readShareEvent({ ...event, data: { ...event.data, fingerprint: 'x'.repeat(20) } })).field,
    ).toBe('data.fingerprint');
    expect(
      refused(() => readShareEvent({ ...event, data: { ...event.data, permissions: ['read', 'write'] } }))
        .field,
    ).toBe('data.permissions');
    expect(
      refused(() =>
        readShareEvent({ ...event, data: { ...event.data, expires: '2099-01-01T00:00:00.000Z' } }),
      ).field,
    ).toBe('data.expires');
    expect(refused(() => readShareEvent({ ...event, subject: 'someone-else' })).field).toBe('subject');
  });

  it('refuse malformed events with the field to blame', () => {
    const event = shareEvent(par);
    const cases: [unknown, string][] = [
      [{ ...event, specversion: '0.3' }, 'specversion'],
      [{ ...event, type: 'com.example.other' }, 'type'],
      [{ ...event, id: '' }, 'id'],
      [{ ...event, source: undefined }, 'source'],
      [{ ...event, datacontenttype: 'text/plain' }, 'datacontenttype'],
      [{ ...event, data: { ...event.data, v: 2 } }, 'data.v'],
      [{ ...event, data: { ...event.data, extra: 1 } }, 'data.extra'],
      [
        { ...event, data: { ...event.data, token: `${token.slice(0, 40)}x${token.slice(41)}` } },
        'data.token',
      ],
      [{ ...event, data: '{not json' }, 'data'],
      [{ ...event, data: [1, 2] }, 'data'],
      ['not an event', 'event'],
    ];
    for (const [bad, field] of cases) expect(refused(() => readShareEvent(bad)).field).toBe(field);
  });

  it('refuse HTTP requests that are not one valid event, without crashing', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'content-type': 'application/cloudevents+json' }, `{"token":"${token}"`],
      [{ 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify([shareEvent(par)])],
      [{ 'content-type': 'application/json' }, JSON.stringify({ hello: 'world' })],
      [
        {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-type': SHARE_EVENT_TYPE,
          'ce-source': 's',
        },
        JSON.stringify(shareEvent(par).data),
      ],
      [
        {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-type': SHARE_EVENT_TYPE,
          'ce-id': 'i',
          'ce-source': 's',
        },
        `{"token": "${token}`,
      ],
      [
        { 'content-type': 'application/cloudevents+json' },
        JSON.stringify({ ...shareEvent(par), type: 'other.type' }),
      ],
    ];
    for (const [headers, body] of cases) refused(() => decodeHttp(headers, body));
  });
});
