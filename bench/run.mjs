// `npm run bench`: builds first (see package.json), then measures dist/ as users get it.
import { measureCacheMemory, measureHotPath } from './client-factory.mjs';
import { measureClientOverhead, measureTokenRequests } from './client-overhead.mjs';
import { formatIdle, runIdle } from './idle.mjs';
import { measureImportTime } from './import-time.mjs';
import { runPlacement } from './placement.mjs';
import { runBurst, runRealTimeBurst } from './provisioning-burst.mjs';
import { formatScale, measureScale, startBenchPostgres } from './scale.mjs';
import { measureScheduler } from './scheduler-scale.mjs';
import { formatScopeCheck, measureScopeCheck } from './scope-check.mjs';
import { measureClientSize, measureClientWithV2Size, measureSize } from './size.mjs';
import { formatWebhookLoad, measureWebhookLoad } from './webhooks.mjs';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const report = { size: [] };

for (const [label, measure] of [
  ['AuraClient + isAuraError (what an Aura-only app bundles)', measureClientSize],
  ['AuraClient + AuraV2 + isAuraError (with the v2beta1 API)', measureClientWithV2Size],
  ['Whole root entry (client + provisioning)', measureSize],
]) {
  const size = await measure();
  report.size.push({ label, ...size });
  console.log(`\n# ${label}, browser bundle: ${kb(size.bytes)} minified, ${kb(size.gzip)} gzipped`);
  for (const [name, bytes] of Object.entries(size.byPackage).sort((a, b) => b[1] - a[1])) {
    console.log(
      `  ${name.padEnd(20)} ${kb(bytes).padStart(9)} minified (${((bytes / size.bytes) * 100).toFixed(0)}%)`,
    );
  }
}

const importTime = measureImportTime();
report.importTime = importTime;
console.log(
  `\n# Cold import (median of 15 fresh processes): aura-provisioner ${importTime.oursMs.toFixed(1)} ms, ky alone ${importTime.kyMs.toFixed(1)} ms, ratio ${importTime.ratio.toFixed(2)}`,
);

const overhead = await measureClientOverhead();
report.overhead = overhead;
console.log('\n# instances.get against the in-process fake (5,000 sequential calls)');
console.log(
  `  via AuraClient: ${overhead.client.callsPerSec} calls/s, p50 ${overhead.client.p50Us} µs, p99 ${overhead.client.p99Us} µs`,
);
console.log(
  `  fake alone:     ${overhead.fakeAlone.callsPerSec} calls/s, p50 ${overhead.fakeAlone.p50Us} µs, p99 ${overhead.fakeAlone.p99Us} µs`,
);
console.log(`  client overhead at p50: ${overhead.overheadP50Us} µs per call`);

const tokenRequests = await measureTokenRequests();
report.tokenRequests = tokenRequests;
console.log(
  `\n# Token requests for 1,000 concurrent calls on a fresh client: ${tokenRequests} (target 1)`,
);

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;
/** What each user waits, from the webhook to ready. */
const signupToReady = (r) =>
  `signup -> ready mean ${minutes(r.signupMeanMs)}, p50 ${minutes(r.signupP50Ms)}, p95 ${minutes(r.signupP95Ms)}`;
report.burst = [];
console.log(
  '\n# Burst: 1,000 signups within 60 s through the webhook handler, creation times uniform in 60–180 s, Aura fake at 125/min counted on arrival, 0–250 ms latency per request (simulated time)',
);
const outcome = (r) =>
  `${r.creates} creates, ${r.deletes} deletes, ${r.failed} failed, ${r.notReady} not ready, ${r.notAccepted} webhooks not accepted, 429s ${r.tooManyRequests}`;
const probeLabels = {
  false: 'status reads only (default)',
  exact: 'with a readiness probe',
  late: 'with a probe that answers 20 s late',
  early: 'with a probe that says ready from create (every host)',
  silent: 'with a probe that never says ready',
};
for (const probe of [false, 'exact', 'late', 'early', 'silent']) {
  const r = await runBurst({ probe });
  report.burst.push(r);
  console.log(`  ${probeLabels[probe]}:`);
  console.log(
    `    API calls per user ${r.apiCallsPerUser.toFixed(2)} (${r.statusReads} status reads); ${outcome(r)}`,
  );
  console.log(
    `    running -> ready p50 ${seconds(r.latencyP50Ms)}, p95 ${seconds(r.latencyP95Ms)}; all ready after ${r.totalMin.toFixed(1)} min, floor ${r.floorMin.toFixed(1)} min, ratio ${r.ratioToFloor.toFixed(3)} (simulated in ${(r.wallMs / 1000).toFixed(1)} s)`,
  );
  console.log(`    ${signupToReady(r)}`);
}

{
  console.log('  Status reads only, in a strict order instead of taking turns (for comparison):');
  for (const order of ['reads-first', 'creates-first']) {
    const r = await runBurst({ order });
    report.burst.push({ label: `strict order: ${order}`, ...r });
    console.log(
      `    ${order}: API calls per user ${r.apiCallsPerUser.toFixed(2)}; ${outcome(r)}; running -> ready p50 ${seconds(r.latencyP50Ms)}, p95 ${seconds(r.latencyP95Ms)}; all ready after ${r.totalMin.toFixed(1)} min, ratio ${r.ratioToFloor.toFixed(3)}`,
    );
    console.log(`    ${signupToReady(r)}`);
  }
}

{
  const r = await runBurst({ storeFailureRate: 0.01 });
  report.burst.push({ label: 'store failing 1% of calls', ...r });
  console.log(
    `  status reads only, a store that fails 1% of its calls (${r.storeFailures} failures):`,
  );
  console.log(`    API calls per user ${r.apiCallsPerUser.toFixed(2)}; ${outcome(r)}`);
  console.log(
    `    running -> ready p50 ${seconds(r.latencyP50Ms)}, p95 ${seconds(r.latencyP95Ms)}; all ready after ${r.totalMin.toFixed(1)} min, ratio ${r.ratioToFloor.toFixed(3)}`,
  );
  console.log(`    ${signupToReady(r)}`);
}

{
  console.log(
    '\n# Idle policy: 1,000 users of 1 GB over 60 simulated days, 20% of them using their database once on any given day; pause and resume take 5 min; Aura resumes a paused instance after 30 days',
  );
  report.idle = [];
  // 24 h idle too: `node bench/idle.mjs` (about 8 minutes a policy).
  for (const idle of [{ pauseAfterMs: 12 * 3_600_000 }, false]) {
    const r = await runIdle({ idle });
    report.idle.push(r);
    for (const line of formatIdle(r)) console.log(line);
  }
}

if (!process.argv.includes('--no-realtime')) {
  console.log(
    '\n# Real time: 100 signups within 10 s through the webhook handler, the fake over loopback HTTP counting 125/min on arrival, 0–250 ms latency per request (takes a few minutes)',
  );
  const r = await runRealTimeBurst();
  report.realTime = r;
  console.log(`  API calls per user ${r.apiCallsPerUser.toFixed(2)}; ${outcome(r)}`);
  console.log(
    `  running -> ready p50 ${seconds(r.latencyP50Ms)}, p95 ${seconds(r.latencyP95Ms)}; all ready after ${r.totalMin.toFixed(1)} min`,
  );
}

report.placement = [];
console.log(
  '\n# Placement: an instance per user (1 GB) vs a database per user on shared 16 GB hosts with warm capacity; instances start in 60–180 s, databases in 2–6 s; signups through the webhook handler after 5 min of start-up (simulated time)',
);
for (const [label, options] of [
  [
    'steady, 200 signups one every 30 s, instance per user',
    { placement: 'instance', steady: true, users: 200, arrivalMs: 6_000_000 },
  ],
  [
    'steady, 200 signups one every 30 s, database per user',
    { placement: 'database', steady: true, users: 200, arrivalMs: 6_000_000 },
  ],
  [
    'steady, same, database per user, databases named by Aura, 1 per GB',
    {
      placement: 'database',
      steady: true,
      users: 200,
      arrivalMs: 6_000_000,
      readings: { databaseNaming: 'auto', databasesPerGb: 1 },
    },
  ],
  [
    'burst, 1,000 signups within 60 s, instance per user',
    { placement: 'instance', users: 1_000, arrivalMs: 60_000 },
  ],
  [
    'burst, 1,000 signups within 60 s, database per user',
    { placement: 'database', users: 1_000, arrivalMs: 60_000 },
  ],
  [
    'burst, same, database per user, databases named by Aura, 1 per GB',
    {
      placement: 'database',
      users: 1_000,
      arrivalMs: 60_000,
      readings: { databaseNaming: 'auto', databasesPerGb: 1 },
    },
  ],
]) {
  const r = await runPlacement(options);
  report.placement.push({ label, ...r });
  console.log(`  ${label}:`);
  console.log(
    `    signup -> ready p50 ${seconds(r.signupToReadyP50Ms)}, p95 ${seconds(r.signupToReadyP95Ms)}; all ready after ${r.allReadyMin.toFixed(1)} min; API calls per user ${r.apiCallsPerUser.toFixed(2)}, 429s ${r.tooManyRequests}`,
  );
  console.log(
    `    ${r.instancesPer1000Users.toFixed(0)} instances and ${r.gbPer1000Users.toFixed(0)} GB per 1,000 users; ${r.driversForAllUsers} drivers (connection pools) for all ${r.users} users at once`,
  );
}

report.quiet = [];
console.log(
  '\n# Quiet days: signups spread out, the rate budget mostly idle (simulated time, 60–180 s creations unless said)',
);
for (const [label, options] of [
  ['100 signups over 10 min, idle reads (default)', { users: 100, arrivalMs: 600_000 }],
  ['  same, idle reads off', { users: 100, arrivalMs: 600_000, poll: { idleReadIntervalMs: 0 } }],
  ['20 signups over 20 min, idle reads (default)', { users: 20, arrivalMs: 1_200_000 }],
  ['  same, idle reads off', { users: 20, arrivalMs: 1_200_000, poll: { idleReadIntervalMs: 0 } }],
  [
    '100 signups over 10 min, 180–300 s creations, idle reads',
    { users: 100, arrivalMs: 600_000, minCreationMs: 180_000, maxCreationMs: 300_000 },
  ],
  [
    '  same, idle reads off',
    {
      users: 100,
      arrivalMs: 600_000,
      minCreationMs: 180_000,
      maxCreationMs: 300_000,
      poll: { idleReadIntervalMs: 0 },
    },
  ],
]) {
  const r = await runBurst(options);
  report.quiet.push({ label, ...r });
  console.log(
    `  ${label}: API calls per user ${r.apiCallsPerUser.toFixed(2)}, 429s ${r.tooManyRequests}, running -> ready p50 ${seconds(r.latencyP50Ms)}, p95 ${seconds(r.latencyP95Ms)}`,
  );
}

report.scheduler = [];
console.log('\n# In-process scheduler as the burst grows (schedule N users, deliver each once)');
for (const users of [100, 1_000, 10_000]) {
  const r = await measureScheduler(users);
  report.scheduler.push(r);
  console.log(
    `  ${String(users).padStart(6)} users: ${r.usPerUser.toFixed(1)} µs per user, ${Math.round(r.bytesPerWaitingUser)} bytes per waiting user`,
  );
}

const webhooks = await measureWebhookLoad();
report.webhooks = webhooks;
console.log(formatWebhookLoad(webhooks));

const hotPath = await measureHotPath();
report.hotPath = hotPath;
console.log(
  '\n# Cached per-user driver (200,000 sequential awaited calls after warm-up; target p99 < 20 µs)',
);
for (const [label, r] of Object.entries(hotPath)) {
  console.log(
    `  ${label.padEnd(20)} ${r.callsPerSec} calls/s, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs`,
  );
}

const cacheMemory = await measureCacheMemory();
report.cacheMemory = cacheMemory;
console.log(
  `\n# Client cache memory: ${cacheMemory.users} users through a cap of ${cacheMemory.maxSize}${cacheMemory.gcExposed ? '' : ' (no --expose-gc: figures are rough)'}`,
);
for (const c of cacheMemory.checkpoints) {
  console.log(
    `  after ${String(c.users).padStart(6)} users: ${c.cached} cached, ${kb(c.heldBytes)} held`,
  );
}
console.log(
  `  ${(cacheMemory.bytesPerCachedUser / 1024).toFixed(1)} KB per cached user; ${kb(cacheMemory.afterCloseBytes)} after closeAll`,
);

const scopeCheck = await measureScopeCheck();
report.scopeCheck = scopeCheck;
console.log(formatScopeCheck(scopeCheck));

if (!process.argv.includes('--no-scale')) {
  report.scale = [];
  console.log(
    '\n# Several processes: 1,000 signups, pg-boss scheduler, shared Postgres limiter, Aura fake at 125/min over loopback (real time / 10)',
  );
  const postgres = await startBenchPostgres();
  try {
    for (const probe of [false, true]) {
      for (const processes of [1, 2, 4]) {
        const r = await measureScale({ processes, probe, scale: 10, databaseUrl: postgres.url });
        report.scale.push(r);
        console.log(formatScale(r));
      }
    }
  } finally {
    await postgres.stop();
  }
}

if (process.argv.includes('--json')) console.log(JSON.stringify(report));
