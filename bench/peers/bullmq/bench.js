#!/usr/bin/env node
// The scenarios of `heraldctl bench`, run against BullMQ on a redis-server this script starts on a
// loopback port (temporary folder, no persistence) and stops when done. One JSON object per result,
// in the shape heraldctl prints, so bench/compare.sh can set them side by side.
//
// Usage: node bench.js <enqueue|process|delayed|ratelimit|all> [--messages N] [--concurrency 1,10,100]
//                      [--spread-ms MS] [--limit N] [--window-ms MS] [--redis-server PATH] [--port P]
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Queue, Worker, QueueEvents } = require('bullmq');

const SCENARIOS = ['enqueue', 'process', 'delayed', 'ratelimit'];
const CHUNK = 500; // heraldctl enqueues in transactions of 500; addBulk of 500 is BullMQ's equivalent

function usage(message) {
  if (message) process.stderr.write(`bench.js: ${message}\n`);
  process.stderr.write('usage: node bench.js <enqueue|process|delayed|ratelimit|all> [--messages N] [--concurrency 1,10,100]\n' +
                       '                     [--spread-ms MS] [--limit N] [--window-ms MS] [--redis-server PATH] [--port P]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { scenario: argv[0], messages: 0, concurrency: [1, 10, 100], spreadMs: 10000, limit: 50, windowMs: 1000,
              redisServer: 'redis-server', port: 0 };
  if (!o.scenario || !(o.scenario === 'all' || SCENARIOS.includes(o.scenario))) usage(`unknown scenario '${o.scenario || ''}'`);
  const positiveInt = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} '${v}' is not a positive whole number`);
    return n;
  };
  for (let i = 1; i < argv.length; ++i) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    ++i;
    switch (flag) {
    case '--messages': o.messages = positiveInt(flag, value); break;
    case '--concurrency': o.concurrency = value.split(',').map((v) => positiveInt(flag, v)); break;
    case '--spread-ms': o.spreadMs = positiveInt(flag, value); break;
    case '--limit': o.limit = positiveInt(flag, value); break;
    case '--window-ms': o.windowMs = positiveInt(flag, value); break;
    case '--redis-server': o.redisServer = value; break;
    case '--port': o.port = positiveInt(flag, value); break;
    default: usage(`unknown option '${flag}'`);
    }
  }
  return o;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// redis-server in a temporary folder, in memory only: no RDB snapshots, no AOF.
async function startRedis(binary, port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-redis-'));
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
                               '--protected-mode', 'yes', '--loglevel', 'warning'],
                      { stdio: ['ignore', 'ignore', 'inherit'] });
  const failed = new Promise((_, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start ${binary}: ${e.message}; install it (Debian: apt-get install redis-server)`)));
    child.once('exit', (code) => reject(new Error(`${binary} exited with status ${code} before accepting connections`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 200; ++i) {
      const ok = await new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
        c.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${binary} did not accept connections on 127.0.0.1:${port}`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => {}); // it exits when we stop it
  return {
    connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null },
    version: require('bullmq/package.json').version,
    async stop() {
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let queueSerial = 0;
function queueName(scenario) {
  return `bench-${scenario}-${process.pid}-${++queueSerial}`;
}

function result(scenario, messages, concurrency, fields) {
  // Redis without persistence: a process crash or a power loss loses every job.
  return JSON.stringify({ peer: 'bullmq', scenario, messages, concurrency, durability: 'none', ...fields });
}

function job(i) {
  return { name: 'noop', data: { recipient: `user-${i}` } };
}

async function addAll(queue, n, opts) {
  for (let start = 0; start < n; start += CHUNK) {
    const jobs = [];
    for (let i = start; i < Math.min(n, start + CHUNK); ++i) jobs.push({ ...job(i), opts: opts ? opts(i) : undefined });
    await queue.addBulk(jobs);
  }
}

async function enqueue(redis, o) {
  const n = o.messages || 100000;
  const queue = new Queue(queueName('enqueue'), { connection: redis.connection });
  await queue.waitUntilReady();
  const t0 = process.hrtime.bigint();
  await addAll(queue, n);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await queue.obliterate({ force: true });
  await queue.close();
  return [result('enqueue', n, 0, { per_s: Math.round(n / ms * 1000) })];
}

// From waiting to completed: n jobs waiting, then a worker of this concurrency with a no-op processor.
async function processAt(redis, n, concurrency) {
  const name = queueName('process');
  const queue = new Queue(name, { connection: redis.connection });
  await addAll(queue, n);
  let done = 0;
  let t0 = 0n;
  let finished;
  const all = new Promise((resolve) => { finished = resolve; });
  const worker = new Worker(name, async () => {}, { connection: redis.connection, concurrency, autorun: false });
  worker.on('completed', () => {
    if (++done === n) finished(process.hrtime.bigint());
  });
  await worker.waitUntilReady();
  t0 = process.hrtime.bigint();
  worker.run();
  const t1 = await all;
  const ms = Number(t1 - t0) / 1e6;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return result('process', n, concurrency, { per_s: Math.round(n / ms * 1000) });
}

async function processAll(redis, o) {
  const out = [];
  for (const c of o.concurrency) out.push(await processAt(redis, o.messages || 20000, c));
  return out;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.floor(p * (sorted.length - 1))] : 0;
}

// n jobs due over spreadMs (the first 500 ms from now), a worker already running: how late each one
// starts, measured when the processor is called, against the time it was due.
async function delayed(redis, o) {
  const n = o.messages || 2000;
  const concurrency = 10;
  const name = queueName('delayed');
  const queue = new Queue(name, { connection: redis.connection });
  const lateness = [];
  let finished;
  const all = new Promise((resolve) => { finished = resolve; });
  const worker = new Worker(name, async (j) => {
    lateness.push(Date.now() - (j.timestamp + (j.opts.delay || 0)));
    if (lateness.length === n) finished();
  }, { connection: redis.connection, concurrency });
  await worker.waitUntilReady();
  const from = Date.now() + 500;
  // Every job is added before the first one is due, so enqueueing does not count as lateness.
  await addAll(queue, n, (i) => ({ delay: Math.max(0, from + Math.floor(o.spreadMs * i / n) - Date.now()) }));
  await all;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  lateness.sort((a, b) => a - b);
  return [result('delayed', n, concurrency, {
    spread_ms: o.spreadMs,
    lateness_ms_p50: percentile(lateness, 0.5),
    lateness_ms_p99: percentile(lateness, 0.99),
    lateness_ms_max: percentile(lateness, 1),
  })];
}

// The most starts found in any window of windowMs, wherever it is placed (a sliding window).
function maxInWindow(starts, windowMs) {
  const s = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < s.length; ++hi) {
    while (s[hi] - s[lo] >= windowMs) ++lo;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

// A rate-limited queue (limit starts per window) over several windows: the starts in any window.
async function ratelimit(redis, o) {
  const n = o.messages || o.limit * 5;
  const concurrency = 10;
  const name = queueName('ratelimit');
  const queue = new Queue(name, { connection: redis.connection });
  await addAll(queue, n);
  const starts = [];
  let finished;
  const all = new Promise((resolve) => { finished = resolve; });
  const t0 = Date.now();
  const worker = new Worker(name, async (j) => {
    starts.push(j.processedOn);
    if (starts.length === n) finished();
  }, { connection: redis.connection, concurrency, limiter: { max: o.limit, duration: o.windowMs } });
  await all;
  const elapsed = Date.now() - t0;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return [result('ratelimit', n, concurrency, { limit: o.limit, window_ms: o.windowMs, max_in_window: maxInWindow(starts, o.windowMs),
                                                elapsed_ms: elapsed })];
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const redis = await startRedis(o.redisServer, o.port || await freePort());
  let status = 0;
  try {
    const run = { enqueue, process: processAll, delayed, ratelimit };
    for (const s of o.scenario === 'all' ? SCENARIOS : [o.scenario])
      for (const line of await run[s](redis, o)) process.stdout.write(line + '\n');
  } catch (e) {
    process.stderr.write(`bench.js: ${e.message}\n`);
    status = 1;
  } finally {
    await redis.stop();
  }
  process.exit(status);
}

main().catch((e) => {
  process.stderr.write(`bench.js: ${e.stack || e}\n`);
  process.exit(1);
});
