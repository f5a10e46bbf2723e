/**
 * Watches a client for leaks: a logger and a fetch that record everything the
 * client says and every secret Aura hands it, so a test can look for one in
 * the other.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { Logger } from '../../../src/aura/index.js';
import type { AuraMock } from '../../../src/testing/index.js';
import { CREDENTIALS } from './setup.js';

/** `Authorization: Basic` credentials, as the token request sends them. */
export const basicCredentials = (clientId: string, clientSecret: string) =>
  btoa(`${clientId}:${clientSecret}`);

export interface SecretCapture {
  /** Logs every level, message and fields (as JSON), as text to search. */
  logger: Logger;
  /** Sends the request on and reads each answer for access tokens and passwords. */
  fetch: typeof fetch;
  /** Records a rendering to search. */
  note(where: string, text: string): void;
  /** Records the message, `String`, JSON and `util.inspect` (cause chain included) of an error. */
  noteError(where: string, error: unknown): void;
  /** Adds the passwords the fake holds (a create that never answered made one too). */
  notePasswords(fake: AuraMock): void;
  readonly tokens: readonly string[];
  readonly passwords: readonly string[];
  readonly errors: number;
  /** Every rendering recorded, by where it came from. */
  readonly texts: readonly { where: string; text: string }[];
  /** `where: secret` for every rendering that holds one of the secrets seen (or `also`). */
  leaks(also: string[]): string[];
}

export function createSecretCapture(): SecretCapture {
  const texts: { where: string; text: string }[] = [];
  const tokens: string[] = [];
  const passwords: string[] = [];
  let errors = 0;
  const note = (where: string, text: string) => {
    texts.push({ where, text });
  };
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      note(`log.${level}`, `${message} ${JSON.stringify(fields)}`);

  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    async fetch(input, init) {
      const response = await globalThis.fetch(input, init);
      try {
        const json = JSON.parse(await response.clone().text()) as {
          access_token?: unknown;
          data?: { password?: unknown };
        };
        if (typeof json.access_token === 'string') tokens.push(json.access_token);
        if (typeof json.data?.password === 'string') passwords.push(json.data.password);
      } catch {
        // Not JSON: nothing to capture.
      }
      return response;
    },
    note,
    noteError(where, error) {
      expect(error).toBeInstanceOf(Error);
      errors++;
      note(`${where} message`, (error as Error).message);
      note(`${where} String`, String(error));
      note(`${where} JSON`, JSON.stringify(error));
      note(`${where} inspect`, inspect(error, { depth: 5 }));
    },
    notePasswords(fake) {
      for (const instance of fake.instances) passwords.push(instance.password);
    },
    tokens,
    passwords,
    get errors() {
      return errors;
    },
    texts,
    leaks(also) {
      const secrets = [
        CREDENTIALS.clientSecret,
        basicCredentials(CREDENTIALS.clientId, CREDENTIALS.clientSecret),
        ...also,
        ...tokens,
        ...passwords,
      ];
      return texts.flatMap(({ where, text }) =>
        secrets.filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`),
      );
    },
  };
}
