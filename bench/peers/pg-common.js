// What the PostgreSQL peers' bench.js (graphile-worker, pg-boss) share: their command line, the
// lateness figures, and the loop that runs the scenarios and prints one JSON line per result.
'use strict';

const SCENARIOS = ['enqueue', 'process', 'delayed'];

// switches: { '--flag': (o) => … } options without a value, beside the common ones.
function parseArgs(argv, defaults = {}, switches = {}) {
  const names = Object.keys(switches).map((s) => ` [${s}]`).join('');
  const usage = (message) => {
    if (message) process.stderr.write(`bench.js: ${message}\n`);
    process.stderr.write('usage: node bench.js <enqueue|process|delayed|all> --db postgres://user@host:port/db [--messages N]\n' +
                         `                     [--concurrency 1,10,100] [--spread-ms MS]${names}\n`);
    process.exit(2);
  };
  const o = { scenario: argv[0], db: '', messages: 0, concurrency: [1, 10, 100], spreadMs: 10000, ...defaults };
  if (!o.scenario || !(o.scenario === 'all' || SCENARIOS.includes(o.scenario))) usage(`unknown scenario '${o.scenario || ''}'`);
  const positiveInt = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} '${v}' is not a positive whole number`);
    return n;
  };
  for (let i = 1; i < argv.length; ++i) {
    const flag = argv[i];
    if (switches[flag]) {
      switches[flag](o);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    ++i;
    switch (flag) {
    case '--db': o.db = value; break;
    case '--messages': o.messages = positiveInt(flag, value); break;
    case '--concurrency': o.concurrency = value.split(',').map((v) => positiveInt(flag, v)); break;
    case '--spread-ms': o.spreadMs = positiveInt(flag, value); break;
    default: usage(`unknown option '${flag}'`);
    }
  }
  if (!/^postgres(ql)?:\/\//.test(o.db)) usage('--db postgres://user@host:port/database is required');
  return o;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.floor(p * (sorted.length - 1))] : 0;
}

// The delayed scenario's fields, in heraldctl's names, from each job's lateness in ms.
function latenessFields(lateness, spreadMs) {
  const sorted = [...lateness].sort((a, b) => a - b);
  return {
    spread_ms: spreadMs,
    lateness_ms_p50: percentile(sorted, 0.5),
    lateness_ms_p99: percentile(sorted, 0.99),
    lateness_ms_max: percentile(sorted, 1),
  };
}

// Runs the scenario named on the command line (or all of them) and exits: 0, or 1 with the error.
// scenarios: { enqueue(o), processAt(o, n, concurrency), delayed(o) }, each resolving to JSON lines
// (processAt to one).
function main(peer, o, scenarios) {
  const run = {
    enqueue: scenarios.enqueue,
    process: async () => {
      const out = [];
      for (const c of o.concurrency) out.push(await scenarios.processAt(o, o.messages || 20000, c));
      return out;
    },
    delayed: scenarios.delayed,
  };
  (async () => {
    for (const s of o.scenario === 'all' ? SCENARIOS : [o.scenario])
      for (const line of await run[s](o)) process.stdout.write(line + '\n');
  })().then(() => process.exit(0), (e) => {
    process.stderr.write(`bench.js (${peer}): ${e.stack || e}\n`);
    process.exit(1);
  });
}

module.exports = { parseArgs, latenessFields, main };
