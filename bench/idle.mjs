// The idle policy on simulated time: `users` users of 1 GB, `activeShare` of them (drawn afresh
// each day) using their database once a day at a random time, for `days` days. The Aura fake
// pauses in 5 min and resumes in 5 min, resumes a paused instance on its own after 30 days,
// counts 125 calls a minute on arrival, and meters the bill. Figures: billed GB-hours against
// always-on, the wait of each first use after a pause, how soon an instance Aura resumed on its
// own is paused again, the idle policy's share of the API budget, and signup -> ready of new users
// with the policy on and off.
import {
  createInsecurePlaintextCipher,
  createProvisioner,
  createUserQueryClients,
  MemoryCredentialStore,
} from '../dist/index.js';
import { createAuraMock, createTestClock } from '../dist/testing.js';
import { mulberry32, quantile, simulatedClient, userId } from './provisioning-burst.mjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PAUSING_MS = 5 * MINUTE;
const RESUMING_MS = 5 * MINUTE;
const AUTO_RESUME_MS = 30 * DAY;
const INSTANCE = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

/**
 * Runs the simulation. `idle`: the provisioner's idle option, or `false` for always-on.
 * `newUsers` sign up within a minute at `newUsersAtDay`, to time signup -> ready.
 */
export async function runIdle({
  users = 1_000,
  days = 60,
  activeShare = 0.2,
  idle = { pauseAfterMs: 12 * HOUR },
  newUsers = 100,
  newUsersAtDay = 31,
  seed = 11,
} = {}) {
  const random = mulberry32(seed);
  const clock = createTestClock({ settleTurns: 3 });
  const fake = createAuraMock({
    clock,
    creationTimeMs: () => 60_000 + random() * 120_000,
    transitionMs: { pausing: PAUSING_MS, resuming: RESUMING_MS },
    autoResumeAfterMs: AUTO_RESUME_MS,
  });
  // What each instance's record says, from the events: tells the idle policy's requests apart.
  const stateOf = new Map();
  const lastPauseAt = new Map();
  const repauseDelays = [];
  const governorCalls = [];
  const fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const id = /\/v1\/instances\/([^/]+)/.exec(path)?.[1];
    const now = clock.now();
    if (request.method === 'POST' && path.endsWith('/pause')) {
      governorCalls.push(now);
      const previous = lastPauseAt.get(id);
      if (previous !== undefined && stateOf.get(id) === 'paused-again') {
        repauseDelays.push(now - (previous + PAUSING_MS + AUTO_RESUME_MS + RESUMING_MS));
      }
      lastPauseAt.set(id, now);
    } else if (request.method === 'POST' && path.endsWith('/resume')) {
      lastPauseAt.delete(id);
    } else if (request.method === 'GET' && path === '/v1/instances') {
      governorCalls.push(now);
    } else if (request.method === 'GET' && id && stateOf.get(id)?.startsWith('paused')) {
      governorCalls.push(now);
    }
    return fake.handle(request);
  };
  const aura = simulatedClient(clock, fetch);
  const store = new MemoryCredentialStore({ clock });
  const cipher = createInsecurePlaintextCipher();
  const signedUpAt = new Map();
  const readyAt = new Map();
  const provisioner = createProvisioner({
    aura,
    store,
    cipher,
    clock,
    instance: INSTANCE,
    reconcileIntervalMs: 0,
    ...(idle ? { idle } : {}),
    onEvent: (event) => {
      if (!event.instanceId) {
        if (event.type === 'ready' && event.userId) readyAt.set(event.userId, event.at);
        return;
      }
      if (event.type === 'ready' && event.userId && !readyAt.has(event.userId)) {
        readyAt.set(event.userId, event.at);
      }
      const was = stateOf.get(event.instanceId);
      if (event.type === 'paused') {
        stateOf.set(event.instanceId, was?.startsWith('paused') ? 'paused-again' : 'paused');
      }
      if (event.type === 'resuming' || event.type === 'ready')
        stateOf.set(event.instanceId, event.type);
    },
  });
  const clients = createUserQueryClients({
    store,
    cipher,
    clock,
    events: provisioner,
    recordUse: true,
    wake: { waker: provisioner, wait: true, timeoutMs: 30 * MINUTE },
  });

  const wallStart = performance.now();
  // Everyone signs up at the start.
  await clock.runUntil(
    Promise.all(
      Array.from({ length: users }, async (_, i) => {
        signedUpAt.set(userId(i), clock.now());
        await provisioner.claimUser(userId(i));
      }),
    ),
  );
  await clock.runUntil(
    Promise.all(Array.from({ length: users }, (_, i) => provisioner.waitUntilReady(userId(i)))),
  );

  // One use a day by a random `activeShare` of the users, at a random time of the day.
  const sessions = [];
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < users; i++) {
      if (random() < activeShare)
        sessions.push({ at: day * DAY + random() * DAY, user: userId(i) });
    }
  }
  sessions.sort((a, b) => a.at - b.at);
  const start = clock.now();
  const wakes = [];
  const failures = [];
  const newUserIds = Array.from({ length: newUsers }, (_, i) => userId(users + i));
  const running = [];
  let joined = false;
  const join = async () => {
    joined = true;
    const at = clock.now();
    await Promise.all(
      newUserIds.map(async (id) => {
        await clock.sleep(random() * MINUTE);
        signedUpAt.set(id, clock.now());
        await provisioner.claimUser(id);
      }),
    );
    return at;
  };
  const joinAt = Math.min(newUsersAtDay, days / 2) * DAY;
  for (const session of sessions) {
    if (!joined && session.at >= joinAt) running.push(join());
    await clock.runUntil(clock.sleep(Math.max(0, start + session.at - clock.now())));
    running.push(
      (async () => {
        const before = (await store.get(session.user))?.status;
        const t0 = clock.now();
        try {
          await clients.queryClientFor(session.user);
          if (before === 'paused' || before === 'resuming') wakes.push(clock.now() - t0);
        } catch (error) {
          failures.push(String(error));
        }
      })(),
    );
  }
  await clock.runUntil(clock.sleep(Math.max(0, start + days * DAY - clock.now())));
  await clock.runUntil(Promise.all(running));
  const end = clock.now();
  await clock.runUntil(clients.closeAll());
  await clock.runUntil(provisioner.close());
  const wallMs = performance.now() - wallStart;

  const bill = fake.bill();
  const alwaysOnGbHours = bill.instances.reduce((sum, meter) => {
    const created = Date.parse(fake.instance(meter.id)?.createdAt ?? '') || start;
    return sum + (meter.memoryGb * (end - created)) / HOUR;
  }, 0);
  const billedGbHours = bill.runningGbHours + 0.2 * bill.pausedGbHours;
  const sortedWakes = [...wakes].sort((a, b) => a - b);
  // The idle policy's busiest minute, against Aura's 125 a minute.
  let peak = 0;
  for (let i = 0, j = 0; i < governorCalls.length; i++) {
    while (governorCalls[j] <= governorCalls[i] - MINUTE) j++;
    peak = Math.max(peak, i - j + 1);
  }
  // Read from the `ready` events: never used, a new user is paused again before the end.
  const signupWaits = newUserIds
    .map((id) => (readyAt.get(id) ?? Number.POSITIVE_INFINITY) - signedUpAt.get(id))
    .sort((a, b) => a - b);
  return {
    users,
    days,
    idle,
    runningGbHours: bill.runningGbHours,
    pausedGbHours: bill.pausedGbHours,
    billedGbHours,
    alwaysOnGbHours,
    billedShare: billedGbHours / alwaysOnGbHours,
    wakes: wakes.length,
    wakeP50Ms: quantile(sortedWakes, 0.5),
    wakeP95Ms: quantile(sortedWakes, 0.95),
    wakeMaxMs: sortedWakes.at(-1) ?? 0,
    failedUses: failures.length,
    autoResumes: bill.instances.reduce((sum, meter) => sum + meter.autoResumes, 0),
    repauses: repauseDelays.length,
    repauseMaxMin: Math.max(0, ...repauseDelays) / MINUTE,
    governorCalls: governorCalls.length,
    governorPeakPerMinute: peak,
    governorShareOfBudget: governorCalls.length / ((125 * (end - start)) / MINUTE),
    signupP50Ms: quantile(signupWaits, 0.5),
    signupP95Ms: quantile(signupWaits, 0.95),
    wallMs,
  };
}

/** The report lines of one run. */
export function formatIdle(r) {
  const min = (ms) => `${(ms / MINUTE).toFixed(1)} min`;
  const policy = r.idle ? `pause after ${r.idle.pauseAfterMs / HOUR} h idle` : 'always on';
  return [
    `  ${policy}: billed ${r.billedGbHours.toFixed(0)} GB-hours (running ${r.runningGbHours.toFixed(0)} + 20% of paused ${r.pausedGbHours.toFixed(0)}) = ${(r.billedShare * 100).toFixed(1)}% of always-on (${r.alwaysOnGbHours.toFixed(0)})`,
    r.wakes === 0
      ? `    first use after a pause: none; uses that got no database ${r.failedUses}`
      : `    first use after a pause: ${r.wakes} wakes, p50 ${min(r.wakeP50Ms)}, p95 ${min(r.wakeP95Ms)}, max ${min(r.wakeMaxMs)}; uses that got no database ${r.failedUses}`,
    `    Aura auto-resumes ${r.autoResumes}, paused again ${r.repauses}, at most ${r.repauseMaxMin.toFixed(1)} min after running`,
    `    idle policy: ${r.governorCalls} API calls (${(r.governorShareOfBudget * 100).toFixed(3)}% of the budget), busiest minute ${r.governorPeakPerMinute} calls (${((r.governorPeakPerMinute / 125) * 100).toFixed(1)}% of 125)`,
    `    new users signup -> ready p50 ${min(r.signupP50Ms)}, p95 ${min(r.signupP95Ms)} (simulated in ${(r.wallMs / 1000).toFixed(1)} s)`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const users = Number(process.argv[2] ?? 1_000);
  const days = Number(process.argv[3] ?? 60);
  for (const idle of [{ pauseAfterMs: 12 * HOUR }, { pauseAfterMs: 24 * HOUR }, false]) {
    for (const line of formatIdle(await runIdle({ users, days, idle }))) console.log(line);
  }
}
