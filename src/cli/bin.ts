#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { main } from './main.js';

// The first Ctrl-C ends a wait (the command still reports); a second one kills the process.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nStopping (press Ctrl-C again to quit at once)...\n');
  interrupt.abort();
});

/** A yes/no question on the terminal; only offered when there is one to ask on. */
async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

void main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  confirm: process.stdin.isTTY && process.stderr.isTTY ? confirm : undefined,
  signal: interrupt.signal,
}).then((code) => {
  process.exitCode = code;
});
