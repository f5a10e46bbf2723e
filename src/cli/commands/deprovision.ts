import type { Command } from '../command.js';
import { requireConfig, requireSetting } from '../config.js';
import { confirmDestructive } from '../confirm.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { openAura, openCipher, openDeprovisioner, openStore } from '../services.js';
import { userIdArgument } from './status.js';

type DeprovisionStatus = 'deleted' | 'deleting' | 'not_found' | 'cancelled';

const EXIT: Record<DeprovisionStatus, ExitCode> = {
  deleted: EXIT_CODES.ok,
  deleting: EXIT_CODES.problems,
  not_found: EXIT_CODES.notFound,
  cancelled: EXIT_CODES.problems,
};

function deprovisionLines(userId: string, status: DeprovisionStatus, hosted: boolean): string[] {
  // Only a provisioner with the placement deletes a database on a host.
  const placement = hosted ? 'AURA_PLACEMENT=database-per-user ' : '';
  switch (status) {
    case 'deleted':
      return [`Deleted the database of user ${userId} and its record.`];
    case 'deleting':
      return [
        `The database of user ${userId} is marked for deletion, but Aura could not delete it now.`,
        `Run \`${placement}aura-provisioner reconcile --wait 300\` (or let the application reconcile) to finish.`,
      ];
    case 'not_found':
      return [`No database record for user ${userId}: nothing to delete.`];
    case 'cancelled':
      return ['Cancelled: nothing was deleted.'];
  }
}

// Deleting needs no instance spec: the Aura API, the store, and the keys the provisioner is built with.
const NEEDS = ['aura', 'store', 'cipher'] as const;

/** `deprovision <userId> [--yes]`: deletes a user's instance, then the record. */
export const deprovisionCommand: Command = {
  name: 'deprovision',
  summary: "delete a user's database and its record",
  usage: 'deprovision <userId> [--yes]',
  description: [
    "Deletes the user's Aura instance, then the record (idempotent). This cannot be",
    'undone: on a terminal it asks first; elsewhere it needs --yes. It needs no instance',
    'settings (AURA_INSTANCE_*): only the Aura API, the store and the keys.',
    '',
    'A user whose database is on a shared host (database-per-user) has only that database',
    'deleted, and its slot on the host given back; this needs AURA_ORGANIZATION_ID, the',
    "hosts' organization (their project is AURA_TENANT_ID). No host is opened.",
    '',
    'Exit code 0: deleted; 1: marked for deletion but Aura could not be reached',
    '(reconcile finishes it), or cancelled at the prompt; 3: no record.',
  ].join('\n'),
  flags: {
    yes: { type: 'boolean', short: 'y', description: 'do not ask (for scripts)' },
  },
  needs: NEEDS,
  async run(context) {
    const userId = userIdArgument(context.args, 'deprovision <userId>');
    const config = requireConfig(context.config, NEEDS);
    const opened = await openStore(config.store, context.out);
    context.onClose(opened.close);
    let status: DeprovisionStatus = 'not_found';
    const record = await opened.store.get(userId);
    if (record !== null) {
      // Checked before asking: a hosted user's database is deleted through the hosts' organization.
      const organizationId =
        record.placement === 'database-per-user'
          ? requireSetting(
              context.config,
              'organizationId',
              `the database of user ${userId} is on a shared host (database-per-user), in that organization`,
            )
          : undefined;
      const go = await confirmDestructive(
        context,
        `Delete the Aura database of user ${userId}? This cannot be undone.`,
      );
      if (go) {
        const parts = {
          aura: openAura(config.aura),
          store: opened.store,
          cipher: openCipher(config.cipher),
        };
        const provisioner = openDeprovisioner(config, parts, organizationId);
        status = (await provisioner.deprovisionUserDatabase(userId)).status;
        await provisioner.close();
      } else {
        status = 'cancelled';
      }
    }
    const hosted = record?.placement === 'database-per-user';
    context.out.result({ userId, status }, () => deprovisionLines(userId, status, hosted));
    return EXIT[status];
  },
};
