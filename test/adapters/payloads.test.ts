import { describe, expect, it } from 'vitest';
import { classifyWebhook } from '../../src/adapters/payloads.js';
import { authHookBody, deleteBody, signupBody, uuid } from './support.js';

const user = uuid(1);
const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('classifyWebhook (what Supabase sends)', () => {
  it('reads a signup from the INSERT and a deletion from the DELETE on auth.users', () => {
    expect(classifyWebhook(parse(signupBody(user)))).toEqual({
      kind: 'signup',
      userId: user,
      anonymous: false,
    });
    expect(classifyWebhook(parse(deleteBody(user)))).toEqual({ kind: 'delete', userId: user });
  });

  it('reads an anonymous signup, and an anonymous user turning permanent as a signup', () => {
    const anonymous = parse(signupBody(user, { is_anonymous: true }));
    expect(classifyWebhook(anonymous)).toEqual({ kind: 'signup', userId: user, anonymous: true });
    const upgrade = { ...parse(signupBody(user)), type: 'UPDATE', old_record: anonymous.record };
    expect(classifyWebhook(upgrade)).toEqual({ kind: 'signup', userId: user, anonymous: false });
    const plainUpdate = {
      ...parse(signupBody(user)),
      type: 'UPDATE',
      old_record: parse(signupBody(user)).record,
    };
    expect(classifyWebhook(plainUpdate)).toEqual({ kind: 'ignored', reason: 'other-event' });
  });

  it('ignores other tables, schemas, events and Auth Hooks; calls other shapes invalid', () => {
    expect(classifyWebhook({ ...parse(signupBody(user)), table: 'profiles' })).toEqual({
      kind: 'ignored',
      reason: 'other-table',
    });
    expect(classifyWebhook({ ...parse(signupBody(user)), schema: 'public' })).toEqual({
      kind: 'ignored',
      reason: 'other-table',
    });
    expect(classifyWebhook({ ...parse(signupBody(user)), type: 'TRUNCATE' })).toEqual({
      kind: 'ignored',
      reason: 'other-event',
    });
    expect(classifyWebhook(parse(authHookBody()))).toEqual({
      kind: 'ignored',
      reason: 'auth-hook',
    });
    for (const invalid of [
      null,
      [],
      'INSERT',
      {},
      { ...parse(signupBody(user)), record: null },
      { ...parse(deleteBody(user)), old_record: { id: 7 } },
    ]) {
      expect(classifyWebhook(invalid)).toEqual({ kind: 'invalid' });
    }
  });
});
