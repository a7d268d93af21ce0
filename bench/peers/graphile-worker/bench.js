#!/usr/bin/env node
// The scenarios of `heraldctl bench`, run against Graphile Worker on the PostgreSQL server named by
// --db (bench/compare-pg.sh starts one and gives each peer a database of its own). One JSON object per
// result, in the shape heraldctl prints, so bench/compare-summary.js can set them side by side.
//
// Usage: node bench.js <enqueue|process|delayed|all> --db postgres://user@127.0.0.1:PORT/DB
//                      [--messages N] [--concurrency 1,10,100] [--spread-ms MS]
//
// Every measured run starts on an empty schema: graphile_worker is dropped and migrated again before
// it (the migration is not timed), so no run sees the jobs of another.
//
// The worker is Graphile Worker's own runner (`run()`) with its defaults: LISTEN/NOTIFY on
// "jobs:insert", pollInterval 2000 ms (what finds jobs that fall due later), prepared statements.
// `concurrency` is its option of that name; maxPoolSize is raised to the concurrency when that is above
// the default of 10, as the library's own warning asks ("having maxPoolSize smaller than concurrency
// may lead to non-optimal performance"). Completed jobs are deleted (Graphile Worker's only mode),
// where Herald keeps its rows. Per-job "Completed task" logging is off (NO_LOG_SUCCESS) and only
// warnings and errors are printed, to stderr: a console line per job would be measured otherwise.
'use strict';

const { parseArgs, latenessFields, main } = require('../pg-common');

process.env.NO_LOG_SUCCESS = '1';

const { EventEmitter } = require('node:events');
const { run, makeWorkerUtils, Logger } = require('graphile-worker');

const PEER = 'graphile-worker';
const SCHEMA = 'graphile_worker';
const CHUNK = 500; // heraldctl enqueues in transactions of 500; add_jobs() of 500 specs is the same here

// Warnings and errors only, to stderr.
const logger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`graphile-worker ${level}${scope.label ? ` (${scope.label})` : ''}: ${message}\n`);
});

function poolSize(concurrency) {
  return Math.max(10, concurrency);
}

// A new, empty, migrated graphile_worker schema; returns the WorkerUtils (the caller releases them).
async function freshSchema(o) {
  const utils = await makeWorkerUtils({ connectionString: o.db, logger, schema: SCHEMA });
  await utils.withPgClient((c) => c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`));
  await utils.release();
  const fresh = await makeWorkerUtils({ connectionString: o.db, logger, schema: SCHEMA });
  await fresh.migrate();
  return fresh;
}

let durabilityText = '';
async function readDurability(utils) {
  const { rows } = await utils.withPgClient((c) => c.query('SHOW synchronous_commit'));
  durabilityText = `synchronous_commit ${rows[0].synchronous_commit}`;
}

function result(scenario, messages, concurrency, fields) {
  return JSON.stringify({ peer: PEER, scenario, messages, concurrency, durability: durabilityText, ...fields });
}

// Bulk add through graphile_worker.add_jobs(specs job_spec[]), the documented SQL API for adding many
// jobs in one statement (0.16 has no addJobs() in JavaScript); one statement, so one transaction, per
// chunk. dueMs(i), when given, is the job's run_at in ms since the epoch.
async function addAll(utils, n, dueMs) {
  for (let start = 0; start < n; start += CHUNK) {
    const specs = [];
    for (let i = start; i < Math.min(n, start + CHUNK); ++i) {
      const due = dueMs ? dueMs(i) : undefined;
      specs.push({ identifier: 'noop', payload: { recipient: `user-${i}`, due }, run_at: due ? new Date(due).toISOString() : null });
    }
    await utils.withPgClient((c) => c.query(
      `SELECT id FROM ${SCHEMA}.add_jobs(ARRAY(SELECT json_populate_recordset(NULL::${SCHEMA}.job_spec, $1::json)))`,
      [JSON.stringify(specs)]));
  }
}

async function enqueue(o) {
  const n = o.messages || 100000;
  const utils = await freshSchema(o);
  try {
    await readDurability(utils);
    const t0 = process.hrtime.bigint();
    await addAll(utils, n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return [result('enqueue', n, 0, { per_s: Math.round(n / ms * 1000), chunk: CHUNK })];
  } finally {
    await utils.release();
  }
}

// Starts Graphile Worker at this concurrency; `done` resolves with the time (hrtime ns) of the n-th
// completion (job:complete is emitted after the job's row is deleted, i.e. committed).
async function startWorker(o, n, concurrency, task) {
  const events = new EventEmitter();
  let done = 0;
  let failed = 0;
  let finished;
  let broken;
  const all = new Promise((resolve, reject) => { finished = resolve; broken = reject; });
  events.on('job:complete', ({ error }) => {
    if (error) {
      if (++failed === 1) broken(new Error(`a job failed: ${error.message || error}`));
    } else if (++done === n) {
      finished(process.hrtime.bigint());
    }
  });
  const runner = await run({
    connectionString: o.db,
    schema: SCHEMA,
    concurrency,
    maxPoolSize: poolSize(concurrency),
    noHandleSignals: true,
    logger,
    events,
    taskList: { noop: task },
  });
  all.catch(() => {}); // awaited by the caller, maybe later than a failure
  runner.promise.then(() => broken(new Error('the runner stopped before every job completed')), broken);
  return { done: all, stop: () => runner.stop() };
}

// From waiting to completed: n jobs waiting, then the runner at this concurrency with a no-op task.
async function processAt(o, n, concurrency) {
  const utils = await freshSchema(o);
  try {
    await readDurability(utils);
    await addAll(utils, n);
  } finally {
    await utils.release();
  }
  // From run() (which connects, checks the migrations and starts the workers) to the n-th completion,
  // as heraldctl measures from starting its engine.
  const t0 = process.hrtime.bigint();
  const worker = await startWorker(o, n, concurrency, async () => {});
  let t1;
  try {
    t1 = await worker.done;
  } finally {
    await worker.stop();
  }
  const ms = Number(t1 - t0) / 1e6;
  return result('process', n, concurrency, { per_s: Math.round(n / ms * 1000) });
}

// n jobs due over spreadMs, the first 500 ms from now, concurrency 10, the runner already running when
// they are added (as heraldctl's engine is started before the first one is due): how late each one
// starts, measured when the task is called, against the run_at it was given.
async function delayed(o) {
  const n = o.messages || 2000;
  const concurrency = 10;
  const utils = await freshSchema(o);
  const lateness = [];
  let worker;
  try {
    await readDurability(utils);
    worker = await startWorker(o, n, concurrency, async (payload) => { lateness.push(Date.now() - payload.due); });
    const from = Date.now() + 500;
    // Every job is added before the first one is due, so enqueueing does not count as lateness.
    await addAll(utils, n, (i) => from + Math.floor(o.spreadMs * i / n));
    await worker.done;
  } finally {
    if (worker) await worker.stop();
    await utils.release();
  }
  return [result('delayed', n, concurrency, {
    ...latenessFields(lateness, o.spreadMs),
  })];
}

main(PEER, parseArgs(process.argv.slice(2)), { enqueue, processAt, delayed });
