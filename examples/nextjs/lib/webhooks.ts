// One provisioner per server process (kept on globalThis so `next dev` reloads
// do not start a second one), and the route handlers around it.
// In your app: `import { createAuraRouteHandlers } from 'aura-provisioner/next'`.
import { after } from 'next/server';
import { createAuraRouteHandlers, supabaseJwtAuthorizer } from '../../../dist/next.js';
import { type ExampleSetup, startExampleProvisioner } from '../../shared/aura-dev.ts';

type Handlers = ReturnType<typeof createAuraRouteHandlers>;
const holder = globalThis as { auraExample?: Promise<{ setup: ExampleSetup; handlers: Handlers }> };

async function start() {
  const setup = await startExampleProvisioner();
  const { secrets } = setup;
  console.log(`Next.js example on /webhooks/auth (Aura: ${setup.mode})`);
  const handlers = createAuraRouteHandlers({
    provisioner: setup.provisioner,
    auth: {
      sharedSecrets: secrets.webhookSecret ? [secrets.webhookSecret] : [],
      standardWebhookSecrets: secrets.authHookSecret ? [secrets.authHookSecret] : [],
    },
    authorizeStatus: secrets.jwtSecret
      ? supabaseJwtAuthorizer({ jwtSecret: secrets.jwtSecret })
      : undefined,
    // The create call runs after the 202, inside the request's lifetime on serverless hosts.
    waitUntil: after,
    logger: console,
  });
  return { setup, handlers };
}

/** The route handlers, created on the first request (never at build time). */
export const webhooks = (): Promise<Handlers> => {
  holder.auraExample ??= start();
  return holder.auraExample.then(({ handlers }) => handlers);
};
