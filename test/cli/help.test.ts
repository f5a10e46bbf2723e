import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/aura/version.js';
import { COMMANDS } from '../../src/cli/main.js';
import { runCli } from './harness.js';

describe('help, version and usage errors', () => {
  it('--help lists every command, every setting and the exit codes: exit 0', async () => {
    const run = await runCli(['--help'], {});
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command.name}`);
    expect(run.stdout).toContain('AURA_PROVISIONER_KEYS');
    expect(run.stdout).toMatch(
      /^Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}4 .*\n {2}5 /m,
    );
  });

  it.each(COMMANDS.map((c) => [c.name]))(
    '%s --help: usage, flags, exit codes (exit 0)',
    async (name) => {
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const run = await runCli(argv, {});
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Usage: aura-provisioner ${name}`));
        expect(run.stdout).toMatch(/Exit code 0: /);
        expect(run.stdout).toContain('Exit codes:');
        expect(run.stderr).toBe('');
      }
    },
  );

  it('--version prints the version', async () => {
    expect((await runCli(['--version'], {})).stdout).toBe(`${VERSION}\n`);
    expect((await runCli(['--version', '--json'], {})).json()).toEqual({ version: VERSION });
  });

  it('no command: the help on stderr, exit 2', async () => {
    const run = await runCli([], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: aura-provisioner <command>/);
  });

  it('an unknown command or flag: exit 2, saying where help is', async () => {
    const unknown = await runCli(['stats'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "stats" \(commands: doctor, migrate, status/);
    const flag = await runCli(['list', '--statuss', 'ready'], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      'aura-provisioner: --statuss is not a flag of list (see `aura-provisioner list --help`)\n',
    );
  });

  it.each([
    [
      ['status', 'u1', '--foo'],
      '--foo is not a flag of status (see `aura-provisioner status --help`)',
    ],
    [
      ['status', 'u1', '--foo=bar'],
      '--foo is not a flag of status (see `aura-provisioner status --help`)',
    ],
    [['list', '-x'], '-x is not a flag of list (see `aura-provisioner list --help`)'],
    [
      ['deprovision', 'u1', '--delete'],
      '--delete is not a flag of deprovision (orphans take it) (see `aura-provisioner deprovision --help`)',
    ],
    [['--foo'], '--foo is not a flag (see `aura-provisioner --help`)'],
    [
      ['list', '--limit'],
      '--limit needs a value: --limit <n> (a value starting with "-" is written --limit=<n>) (see `aura-provisioner list --help`)',
    ],
    [
      ['list', '--limit', '--json'],
      '--limit needs a value: --limit <n> (a value starting with "-" is written --limit=<n>) (see `aura-provisioner list --help`)',
    ],
    [
      ['deprovision', 'u1', '--yes=1'],
      '--yes takes no value (see `aura-provisioner deprovision --help`)',
    ],
  ])('%j: our own message, naming the flag and the help, exit 2', async (argv, message) => {
    const run = await runCli(argv, {});
    expect(run.code).toBe(2);
    const printed = argv.includes('--json')
      ? run.json<{ error: { message: string } }>().error.message
      : run.stderr.replace(/^aura-provisioner: /, '').trimEnd();
    expect(printed).toBe(message);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Unknown option|positional argument|'-- "/);
  });

  it('refuses secrets as flags, and says which variable to use instead, without echoing the value', async () => {
    const run = await runCli(['doctor', '--client-secret=top-secret-value', '--json'], {});
    expect(run.code).toBe(2);
    const { error } = run.json<{ error: { message: string } }>();
    expect(error.message).toBe(
      '--client-secret is not a flag: secrets have none, since flags land in shell history and process lists; set AURA_CLIENT_SECRET instead (see `aura-provisioner doctor --help`)',
    );
    expect(run.stdout).not.toContain('top-secret-value');
  });

  it('global flags may come before the command', async () => {
    const run = await runCli(['--json', 'status', 'u1'], {});
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ error: { code: 'configuration' } });
  });
});
