import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  createStandardWebhookVerifier,
  signStandardWebhook,
} from '../../src/adapters/standard-webhooks.js';
import { authHookBody, OTHER_WHSEC, WHSEC } from './support.js';

// The official library takes `whsec_<base64>` (or the bare base64), not Supabase's `v1,` prefix:
// Supabase's own docs strip it before handing the secret over.
const official = (secret: string) => new Webhook(secret.replace(/^v1,/, ''));
const encoder = new TextEncoder();
/** Supabase's Auth Hook body, with non-ASCII text so that bytes, not characters, are signed. */
const body = authHookBody().replace('}', ', "note": "Zoë 🦄 ünïcode"}');
const verifyOurs = (secrets: string[], headers: Record<string, string>, payload = body) =>
  createStandardWebhookVerifier({ secrets })(new Headers(headers), encoder.encode(payload));

/** The headers the official library would send: its signature over `id.timestamp.body`. */
function officialHeaders(secret: string, id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W') {
  const timestamp = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': official(secret).sign(id, timestamp, body),
  };
}

describe('Standard Webhooks: our signatures and the official `standardwebhooks` library agree', () => {
  it('verifies what the official library signs, from a `v1,whsec_` secret', async () => {
    expect(WHSEC.startsWith('v1,whsec_')).toBe(true);
    expect(await verifyOurs([WHSEC], officialHeaders(WHSEC))).toEqual({ ok: true });
    expect(await verifyOurs([WHSEC.replace(/^v1,/, '')], officialHeaders(WHSEC))).toEqual({
      ok: true,
    });
  });

  it('signs what the official library verifies, string or bytes', async () => {
    for (const payload of [body, encoder.encode(body)]) {
      const headers = await signStandardWebhook({ secret: WHSEC, body: payload });
      expect(official(WHSEC).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it('makes the very signature the official library makes for the same id, timestamp and body', async () => {
    const timestamp = 1_700_000_000;
    const ours = await signStandardWebhook({ secret: WHSEC, body, id: 'msg_1', timestamp });
    const theirs = official(WHSEC).sign('msg_1', new Date(timestamp * 1000), body);
    expect(ours['webhook-signature']).toBe(theirs);
    // The bare base64 key (no `whsec_`) is the same key to the official library.
    expect(
      new Webhook(WHSEC.replace(/^v1,whsec_/, '')).sign('msg_1', new Date(timestamp * 1000), body),
    ).toBe(theirs);
  });

  it('both accept a header with several signatures when one matches, and refuse it when none does', async () => {
    const valid = officialHeaders(WHSEC);
    const other = official(OTHER_WHSEC).sign(
      valid['webhook-id'],
      new Date(Number(valid['webhook-timestamp']) * 1000),
      body,
    );
    const bogus = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
    const asymmetric = `v1a,${Buffer.alloc(64, 1).toString('base64')}`;
    const several = {
      ...valid,
      'webhook-signature': `${bogus} ${asymmetric} ${other} ${valid['webhook-signature']}`,
    };
    expect(await verifyOurs([WHSEC], several)).toEqual({ ok: true });
    expect(official(WHSEC).verify(body, several)).toEqual(JSON.parse(body));
    // Ours signed with the new secret, the sender still on the old one: rotation on either side.
    expect(await verifyOurs([OTHER_WHSEC, WHSEC], valid)).toEqual({ ok: true });

    const none = { ...valid, 'webhook-signature': `${bogus} ${other}` };
    expect(await verifyOurs([WHSEC], none)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(() => official(WHSEC).verify(body, none)).toThrow(/No matching signature/);
  });

  it('both refuse a tampered body, a changed id and a stale timestamp', async () => {
    const ours = await signStandardWebhook({ secret: WHSEC, body });
    const tampered = body.replace('Zoë', 'Zoe');
    expect(await verifyOurs([WHSEC], ours, tampered)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(() => official(WHSEC).verify(tampered, ours)).toThrow();
    const renamed = { ...ours, 'webhook-id': 'msg_other' };
    expect(await verifyOurs([WHSEC], renamed)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(() => official(WHSEC).verify(body, renamed)).toThrow();
    const stale = await signStandardWebhook({
      secret: WHSEC,
      body,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(await verifyOurs([WHSEC], stale)).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    expect(() => official(WHSEC).verify(body, stale)).toThrow(/too old/);
  });
});
