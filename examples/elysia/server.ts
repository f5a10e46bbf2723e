// The Elysia example: Supabase signup webhooks -> one Aura database per user.
// `bun run server.ts`. In your app, import from 'aura-provisioner/elysia'.
import { Elysia } from 'elysia';
import { auraWebhooks, supabaseJwtAuthorizer } from '../../dist/elysia.js';
import { startExampleProvisioner } from '../shared/aura-dev.ts';

const setup = await startExampleProvisioner();
const { secrets } = setup;

const app = new Elysia()
  .use(
    auraWebhooks({
      provisioner: setup.provisioner,
      auth: {
        sharedSecrets: secrets.webhookSecret ? [secrets.webhookSecret] : [],
        standardWebhookSecrets: secrets.authHookSecret ? [secrets.authHookSecret] : [],
      },
      authorizeStatus: secrets.jwtSecret
        ? supabaseJwtAuthorizer({ jwtSecret: secrets.jwtSecret })
        : undefined,
      logger: console,
    }),
  )
  .get('/', () => ({ example: 'elysia', aura: setup.mode }))
  .listen(Number(process.env.PORT ?? 3000));

console.log(
  `Elysia example on http://localhost:${app.server?.port}/webhooks/auth (Aura: ${setup.mode})`,
);
process.on('SIGTERM', () => void setup.close().then(() => process.exit(0)));
process.on('SIGINT', () => void setup.close().then(() => process.exit(0)));
