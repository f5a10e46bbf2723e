// POST /webhooks/auth, /webhooks/auth/signup, /webhooks/auth/delete;
// GET /webhooks/auth/status/:userId, /webhooks/auth/health.
import { webhooks } from '../../../../lib/webhooks.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return (await webhooks()).GET(request);
}

export async function POST(request: Request): Promise<Response> {
  return (await webhooks()).POST(request);
}
