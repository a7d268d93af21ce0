#!/usr/bin/env node
// The scenarios of `heraldctl bench`, run against pg-boss on the PostgreSQL server named by --db
// (bench/compare-pg.sh starts one and gives each peer a database of its own). One JSON object per
// result, in the shape heraldctl prints, so bench/compare-summary.js can set them side by side.
//
// Usage: node bench.js <enqueue|process|delayed|all> --db postgres://user@127.0.0.1:PORT/DB
//                      [--messages N] [--concurrency 1,10,100] [--spread-ms MS] [--no-notify]
//
// Every measured run starts on an empty schema: pgboss is dropped, and boss.start() creates it again
// before the clock starts, so no run sees the jobs of another.
//
// Concurrency, and what was chosen. pg-boss 10 has no LISTEN/NOTIFY and no concurrency option (v10
// removed teamSize/teamConcurrency). Each work() call adds one polling worker: it fetches up to
// batchSize jobs, runs the handler, starts their completion (not awaited), and then waits out
// pollingIntervalSeconds (default 2 s) before the next fetch, even when the fetch was full, unless the
// worker was notified (notifyWorker(id), documented as "bypass the job polling interval for this
// iteration"). Its documented default is therefore "1 job every 2 seconds" per work() call.
//   Here, concurrency N is N work() calls with batchSize 1 (N jobs in flight, a new one fetched as soon
// as one finishes, as Herald, Graphile Worker and BullMQ do at concurrency N), the default polling
// interval, and a handler that calls boss.notifyWorker(its own worker id) after each job, so a worker
// that found a job fetches again at once and only a worker whose fetch came back empty waits the 2 s:
// the way Graphile Worker's workers poll. Without that, processing is bounded at N/2 jobs/s by the
// polling interval alone, which says nothing about the store. --no-notify measures that default
// instead. One work() with batchSize N was not chosen: it completes a batch only when its slowest job
// is done, and costs one fetch and one completion statement per N jobs, which is a different workload
// from the other peers' per-job fetches. The pool (pg-boss's `max`, default 10) is raised to N when N
// is above 10, as Graphile Worker is given.
//   Completion: the handler returning makes pg-boss call complete() without awaiting it, and pg-boss
// emits no event when that commits. The end of a run is taken when the n-th job's completion statement
// has returned (autocommit, so committed): the pool's executeSql is wrapped to count the rows its
// completion statements report. The wrapper only observes. Completed jobs stay in pgboss.job (state
// 'completed', archived later), as Herald keeps its rows.
'use strict';

const { parseArgs, latenessFields, main } = require('../pg-common');

const PgBoss = require('pg-boss');
// The pg that pg-boss itself uses, for the schema's DROP (no second copy of the driver).
const pg = require(require.resolve('pg', { paths: [require.resolve('pg-boss')] }));

const PEER = 'pg-boss';
const SCHEMA = 'pgboss';
const CHUNK = 500; // heraldctl enqueues in transactions of 500; insert() of 500 jobs is one statement here

let durabilityText = '';

// An empty database schema for pg-boss, and a started boss on it (migrations run by start(), not timed).
async function freshBoss(o, concurrency) {
  const client = new pg.Client({ connectionString: o.db });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const { rows } = await client.query('SHOW synchronous_commit');
    durabilityText = `synchronous_commit ${rows[0].synchronous_commit}`;
  } finally {
    await client.end();
  }
  const boss = new PgBoss({ connectionString: o.db, schema: SCHEMA, max: Math.max(10, concurrency) });
  boss.on('error', (e) => process.stderr.write(`pg-boss error: ${e.message || e}\n`));
  await boss.start();
  return boss;
}

// Counts the jobs whose completion has committed: every completion statement pg-boss sends through its
// pool reports how many jobs it completed.
function countCompletions(boss, onCompleted) {
  const db = boss.getDb();
  const executeSql = db.executeSql.bind(db);
  db.executeSql = async (text, values) => {
    const r = await executeSql(text, values);
    if (typeof text === 'string' && text.includes(`SET completed_on = now()`) && text.includes(`state = 'completed'`))
      onCompleted(Number(r?.rows?.[0]?.count || 0));
    return r;
  };
}

function result(scenario, messages, concurrency, fields) {
  return JSON.stringify({ peer: PEER, scenario, messages, concurrency, durability: durabilityText, ...fields });
}

let queueSerial = 0;
async function newQueue(boss, scenario) {
  const name = `bench-${scenario}-${process.pid}-${++queueSerial}`;
  await boss.createQueue(name);
  return name;
}

// boss.insert() of CHUNK jobs at a time: one INSERT … SELECT statement, so one transaction, per chunk.
async function addAll(boss, name, n, dueMs) {
  for (let start = 0; start < n; start += CHUNK) {
    const jobs = [];
    for (let i = start; i < Math.min(n, start + CHUNK); ++i) {
      const due = dueMs ? dueMs(i) : undefined;
      jobs.push({ name, data: { recipient: `user-${i}`, due }, startAfter: due ? new Date(due).toISOString() : undefined });
    }
    await boss.insert(jobs);
  }
}

async function enqueue(o) {
  const n = o.messages || 100000;
  const boss = await freshBoss(o, 10);
  try {
    const name = await newQueue(boss, 'enqueue');
    const t0 = process.hrtime.bigint();
    await addAll(boss, name, n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return [result('enqueue', n, 0, { per_s: Math.round(n / ms * 1000), chunk: CHUNK })];
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

// Starts `concurrency` workers (see the top of this file) with this handler per job; `done` resolves
// with the time (hrtime ns) at which the n-th completion had committed.
async function startWorkers(boss, name, o, n, concurrency, task) {
  let completed = 0;
  let finished;
  let broken;
  const all = new Promise((resolve, reject) => { finished = resolve; broken = reject; });
  all.catch(() => {}); // awaited by the caller, maybe later than a failure
  countCompletions(boss, (count) => {
    completed += count;
    if (completed >= n) finished(process.hrtime.bigint());
  });
  boss.on('error', (e) => broken(new Error(`pg-boss: ${e.message || e}`)));
  for (let w = 0; w < concurrency; ++w) {
    let id = null;
    id = await boss.work(name, { batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await task(job);
      if (o.notify && id) boss.notifyWorker(id);
    });
  }
  return { done: all };
}

// From waiting to completed: n jobs waiting, then `concurrency` workers with a no-op handler.
async function processAt(o, n, concurrency) {
  const boss = await freshBoss(o, concurrency);
  try {
    const name = await newQueue(boss, 'process');
    await addAll(boss, name, n);
    // From the first work() call to the n-th committed completion (the boss is started before, as the
    // queue must exist to be filled; heraldctl counts from starting its engine).
    const t0 = process.hrtime.bigint();
    const workers = await startWorkers(boss, name, o, n, concurrency, async () => {});
    const t1 = await workers.done;
    const ms = Number(t1 - t0) / 1e6;
    return result('process', n, concurrency, { per_s: Math.round(n / ms * 1000), ...(o.notify ? {} : { variant: 'no-notify' }) });
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 10000 });
  }
}

// n jobs due over spreadMs, the first 500 ms from now, concurrency 10, the workers already running when
// they are added: how late each one starts, measured when the handler is called, against the
// startAfter it was given.
async function delayed(o) {
  const n = o.messages || 2000;
  const concurrency = 10;
  const boss = await freshBoss(o, concurrency);
  const lateness = [];
  try {
    const name = await newQueue(boss, 'delayed');
    const workers = await startWorkers(boss, name, o, n, concurrency, async (job) => { lateness.push(Date.now() - job.data.due); });
    const from = Date.now() + 500;
    // Every job is added before the first one is due, so enqueueing does not count as lateness.
    await addAll(boss, name, n, (i) => from + Math.floor(o.spreadMs * i / n));
    await workers.done;
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 10000 });
  }
  return [result('delayed', n, concurrency, {
    ...latenessFields(lateness, o.spreadMs),
    ...(o.notify ? {} : { variant: 'no-notify' }),
  })];
}

main(PEER, parseArgs(process.argv.slice(2), { notify: true }, { '--no-notify': (o) => { o.notify = false; } }), { enqueue, processAt, delayed });
