#!/usr/bin/env node
// Reads the JSON lines of bench/compare.sh and prints, per scenario, Herald's and BullMQ's figures
// (the median over the rounds, and every round) and the ratio.
'use strict';
const fs = require('node:fs');

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim().startsWith('{'));
const results = lines.map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const groups = new Map();
for (const r of results) {
  const key = `${r.scenario}|${r.scenario === 'process' ? r.concurrency : ''}`;
  if (!groups.has(key)) groups.set(key, { herald: [], bullmq: [] });
  groups.get(key)[r.peer].push(r);
}
const fmt = (n) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const rows = [];
for (const [key, g] of groups) {
  const [scenario, concurrency] = key.split('|');
  if (!g.herald.length || !g.bullmq.length) continue;
  const durability = `herald ${g.herald[0].durability}, bullmq ${g.bullmq[0].durability}`;
  const pick = (rs, f) => rs.map((r) => r[f]);
  if (scenario === 'enqueue' || scenario === 'process') {
    const h = median(pick(g.herald, 'per_s'));
    const b = median(pick(g.bullmq, 'per_s'));
    rows.push([`${scenario}${concurrency ? ` c=${concurrency}` : ''} (msg/s, more is better)`, fmt(h), fmt(b), ratio(h, b),
               `rounds herald ${pick(g.herald, 'per_s').map(fmt).join(' / ')}; bullmq ${pick(g.bullmq, 'per_s').map(fmt).join(' / ')}; ${durability}`]);
  } else if (scenario === 'delayed') {
    for (const f of ['lateness_ms_p50', 'lateness_ms_p99', 'lateness_ms_max']) {
      const h = median(pick(g.herald, f));
      const b = median(pick(g.bullmq, f));
      rows.push([`delayed ${f.replace('lateness_ms_', '')} (ms late, less is better)`, fmt(h), fmt(b), h > 0 ? `${(b / h).toFixed(1)}× less late` : (b > 0 ? 'herald 0 ms' : 'both 0 ms'),
                 `rounds herald ${pick(g.herald, f).join(' / ')}; bullmq ${pick(g.bullmq, f).join(' / ')}`]);
    }
  } else if (scenario === 'ratelimit') {
    const h = Math.max(...pick(g.herald, 'max_in_window'));
    const b = Math.max(...pick(g.bullmq, 'max_in_window'));
    const limit = g.herald[0].limit;
    rows.push([`ratelimit: most starts in any ${g.herald[0].window_ms} ms window (limit ${limit})`, fmt(h), fmt(b),
               `${h <= limit ? 'herald within' : 'herald OVER'}, ${b <= limit ? 'bullmq within' : 'bullmq over'}`, 'worst round']);
  }
}
const header = ['scenario', 'Herald', 'BullMQ', 'ratio', 'detail'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i === 0 || i === 4 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
