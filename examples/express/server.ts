// The Express example: Supabase signup webhooks -> one Aura database per user.
// `npm start` (Node 24). In your app, import from 'aura-provisioner/express'.
import express from 'express';
import { createAuraWebhookRouter, supabaseJwtAuthorizer } from '../../dist/express.js';
import { startExampleProvisioner } from '../shared/aura-dev.ts';

const setup = await startExampleProvisioner();
const { secrets } = setup;
const app = express();

// Before any body parser: the router reads the raw body the signature covers.
app.use(
  createAuraWebhookRouter({
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
);
app.use(express.json());
app.get('/', (_req, res) => {
  res.json({ example: 'express', aura: setup.mode });
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => {
  console.log(`Express example on http://localhost:${port}/webhooks/auth (Aura: ${setup.mode})`);
});
process.on('SIGTERM', () => server.close(() => void setup.close()));
process.on('SIGINT', () => server.close(() => void setup.close()));
