import { describe, expect, it } from 'vitest';
import { createWebhookHeaderCheck } from '../../src/adapters/authenticate.js';
import { readBodyWithin } from '../../src/adapters/read-body.js';
import { createSharedSecretVerifier } from '../../src/adapters/shared-secret.js';
import {
  createStandardWebhookVerifier,
  decodeWebhookSecret,
  readStandardWebhookHeaders,
  signStandardWebhook,
} from '../../src/adapters/standard-webhooks.js';
import { OTHER_WHSEC, SHARED_SECRET, WHSEC } from './support.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const clock = { now: () => NOW };
const seconds = Math.floor(NOW / 1000);
const body = new TextEncoder().encode('{"type":"INSERT"}');

describe('Standard Webhooks verification', () => {
  const verify = createStandardWebhookVerifier({ secrets: [OTHER_WHSEC, WHSEC], clock });
  const headersFor = async (options: { timestamp?: number; secret?: string; id?: string } = {}) =>
    new Headers(
      await signStandardWebhook({
        secret: options.secret ?? WHSEC,
        body,
        timestamp: options.timestamp ?? seconds,
        id: options.id ?? 'msg_1',
      }),
    );

  it('accepts a signature by any configured secret, within 5 minutes either way', async () => {
    expect(await verify(await headersFor(), body)).toEqual({ ok: true });
    expect(await verify(await headersFor({ secret: OTHER_WHSEC }), body)).toEqual({ ok: true });
    expect(await verify(await headersFor({ timestamp: seconds - 300 }), body)).toEqual({
      ok: true,
    });
    expect(await verify(await headersFor({ timestamp: seconds + 300 }), body)).toEqual({
      ok: true,
    });
  });

  it('refuses a stale or future timestamp, a changed id, body or signature', async () => {
    const stale = await verify(await headersFor({ timestamp: seconds - 301 }), body);
    expect(stale).toEqual({ ok: false, reason: 'timestamp-outside-tolerance' });
    const headers = await headersFor();
    headers.set('webhook-id', 'msg_2');
    expect(await verify(headers, body)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await verify(await headersFor(), new TextEncoder().encode('{"type":"DELETE"}'))).toEqual(
      {
        ok: false,
        reason: 'bad-signature',
      },
    );
    const milliseconds = await headersFor();
    milliseconds.set('webhook-timestamp', String(NOW));
    expect((await verify(milliseconds, body)).ok).toBe(false);
    const garbage = await headersFor();
    garbage.set('webhook-signature', 'v1,@@@ v2,abc');
    expect(await verify(garbage, body)).toEqual({ ok: false, reason: 'missing-headers' });
    expect(await verify(new Headers(), body)).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('signs what the Standard Webhooks reference signs', async () => {
    // From the standard-webhooks spec's test vector.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signed = await signStandardWebhook({
      secret,
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(signed['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('decodes `v1,whsec_` and `whsec_` secrets and refuses others without quoting them', () => {
    expect(decodeWebhookSecret(WHSEC)).toHaveLength(32);
    expect(decodeWebhookSecret(WHSEC.slice(3))).toHaveLength(32);
    for (const bad of ['', 'whsec_', 'v1,whsec_***', 'plain-secret-value', 'whsec_AAAA']) {
      expect(() => decodeWebhookSecret(bad)).toThrow(/^Invalid Standard Webhooks secret/);
    }
  });
});

describe('the header-only check before the body', () => {
  const check = createWebhookHeaderCheck(
    { sharedSecrets: [SHARED_SECRET], standardWebhookSecrets: [WHSEC] },
    1024,
    clock,
  );
  const signedHeaders = async (timestamp = seconds) =>
    signStandardWebhook({ secret: WHSEC, body, timestamp, id: 'msg_1' });

  it('refuses a stranger 401 whatever length it declares, and a known sender 413 over the limit', async () => {
    const huge = { 'content-length': String(1 << 30) };
    expect(await check(new Headers(huge))).toEqual({
      ok: false,
      status: 401,
      reason: 'no-credentials',
    });
    expect(await check(new Headers({ ...huge, 'x-webhook-secret': 'wrong' }))).toEqual({
      ok: false,
      status: 401,
      reason: 'wrong-secret',
    });
    expect(await check(new Headers({ ...huge, 'x-webhook-secret': SHARED_SECRET }))).toEqual({
      ok: false,
      status: 413,
      reason: 'too-large',
    });
    expect(await check(new Headers({ 'x-webhook-secret': SHARED_SECRET }))).toEqual({
      ok: true,
      proof: 'shared-secret',
    });
  });

  it('leaves a fresh, well-formed signature to be verified against the body, and refuses others', async () => {
    expect(await check(new Headers(await signedHeaders()))).toEqual({
      ok: true,
      proof: 'signature',
    });
    expect(await check(new Headers(await signedHeaders(seconds - 301)))).toEqual({
      ok: false,
      status: 401,
      reason: 'timestamp-outside-tolerance',
    });
    const noId = new Headers(await signedHeaders());
    noId.delete('webhook-id');
    expect(await check(noId)).toMatchObject({ ok: false, status: 401, reason: 'missing-headers' });
  });

  it('reads the webhook-* headers against the clock alone', async () => {
    const headers = new Headers(await signedHeaders());
    expect(readStandardWebhookHeaders(headers, NOW, 300_000)).toMatchObject({
      ok: true,
      value: { id: 'msg_1', timestamp: String(seconds) },
    });
    expect(readStandardWebhookHeaders(headers, NOW + 301_000, 300_000)).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    headers.set('webhook-timestamp', '1e9');
    expect(readStandardWebhookHeaders(headers, NOW, 300_000)).toEqual({
      ok: false,
      reason: 'bad-timestamp',
    });
  });
});

describe('shared secret verification', () => {
  it('accepts each configured secret and nothing else', async () => {
    const verify = createSharedSecretVerifier(['first-secret-0123456', 'second-secret-0123456']);
    expect(await verify('first-secret-0123456')).toBe(true);
    expect(await verify('second-secret-0123456')).toBe(true);
    for (const wrong of [
      null,
      '',
      'first-secret-012345',
      'first-secret-01234567',
      'x'.repeat(4096),
    ]) {
      expect(await verify(wrong)).toBe(false);
    }
  });
});

describe('readBodyWithin', () => {
  const counted = (chunks: number, size: number) => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= chunks) return controller.close();
          pulled++;
          controller.enqueue(new Uint8Array(size));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, pulled: () => pulled, cancelled: () => cancelled };
  };

  it('stops at the limit without reading the rest, and cancels the stream', async () => {
    const source = counted(1000, 1024);
    const request = new Request('http://x/', {
      method: 'POST',
      body: source.stream,
      duplex: 'half',
    } as RequestInit);
    expect(await readBodyWithin(request, 64 * 1024)).toEqual({ ok: false, reason: 'too-large' });
    expect(source.pulled()).toBeLessThanOrEqual(66);
    expect(source.cancelled()).toBe(true);
  });

  it('refuses a declared Content-Length over the limit before reading, and reads a body at the limit', async () => {
    const source = counted(1, 10);
    const declared = new Request('http://x/', {
      method: 'POST',
      body: source.stream,
      headers: { 'content-length': String(1 << 20) },
      duplex: 'half',
    } as RequestInit);
    expect(await readBodyWithin(declared, 1024)).toEqual({ ok: false, reason: 'too-large' });
    expect(source.pulled()).toBe(0);
    const exact = await readBodyWithin(
      new Request('http://x/', { method: 'POST', body: 'x'.repeat(1024) }),
      1024,
    );
    expect(exact.ok && exact.bytes.length).toBe(1024);
  });
});
