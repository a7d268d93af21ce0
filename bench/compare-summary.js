#!/usr/bin/env node
// Reads the JSON lines of bench/compare.sh (Herald and BullMQ) or bench/compare-pg.sh (Herald, Graphile
// Worker and pg-boss) and prints, per scenario, each peer's figures (the median over the rounds, and
// every round), each peer's durability, and Herald's ratio: against the other peer when there is one,
// against the faster (or less late) of the others when there are several.
'use strict';
const fs = require('node:fs');

const NAMES = { herald: 'Herald', bullmq: 'BullMQ', 'graphile-worker': 'Graphile Worker', 'pg-boss': 'pg-boss' };
const display = (peer) => NAMES[peer] || peer;

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim().startsWith('{'));
const results = lines.map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// Herald first, then the others in the order they first appear.
const peers = ['herald', ...new Set(results.map((r) => r.peer).filter((p) => p !== 'herald'))];
const others = peers.slice(1);
const several = others.length > 1;
const groups = new Map();
for (const r of results) {
  const key = `${r.scenario}|${r.scenario === 'process' ? r.concurrency : ''}`;
  if (!groups.has(key)) groups.set(key, Object.fromEntries(peers.map((p) => [p, []])));
  groups.get(key)[r.peer].push(r);
}
const fmt = (n) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const pick = (rs, f) => rs.map((r) => r[f]);
const rows = [];
for (const [key, g] of groups) {
  const [scenario, concurrency] = key.split('|');
  const present = others.filter((p) => g[p].length);
  if (!g.herald.length || !present.length) continue;
  const durabilities = peers.filter((p) => g[p].length).map((p) => [p, g[p][0].durability]);
  const durability = new Set(durabilities.map(([, d]) => d)).size === 1 && several
    ? `durability, every peer: ${durabilities[0][1]}`
    : durabilities.map(([p, d]) => `${p} ${d}`).join(', ');
  const rounds = (f, show) => `rounds ${peers.filter((p) => g[p].length).map((p) => `${p} ${pick(g[p], f).map(show).join(' / ')}`).join('; ')}`;
  const figures = (f, of) => peers.map((p) => (g[p].length ? fmt(of(pick(g[p], f))) : '—'));
  if (scenario === 'enqueue' || scenario === 'process') {
    const h = median(pick(g.herald, 'per_s'));
    // The faster of the others, by median.
    const best = present.reduce((a, b) => (median(pick(g[b], 'per_s')) > median(pick(g[a], 'per_s')) ? b : a));
    const b = median(pick(g[best], 'per_s'));
    rows.push([`${scenario}${concurrency ? ` c=${concurrency}` : ''} (msg/s, more is better)`, ...figures('per_s', median),
               `${ratio(h, b)}${several ? ` vs ${best}` : ''}`, `${rounds('per_s', fmt)}; ${durability}`]);
  } else if (scenario === 'delayed') {
    for (const f of ['lateness_ms_p50', 'lateness_ms_p99', 'lateness_ms_max']) {
      const h = median(pick(g.herald, f));
      // The less late of the others, by median.
      const best = present.reduce((a, c) => (median(pick(g[c], f)) < median(pick(g[a], f)) ? c : a));
      const b = median(pick(g[best], f));
      const vs = several ? ` vs ${best}` : '';
      rows.push([`delayed ${f.replace('lateness_ms_', '')} (ms late, less is better)`, ...figures(f, median),
                 h > 0 ? `${(b / h).toFixed(1)}× less late${vs}` : (b > 0 ? 'herald 0 ms' : (several ? 'all 0 ms' : 'both 0 ms')),
                 `${rounds(f, String)}${several ? `; ${durability}` : ''}`]);
    }
  } else if (scenario === 'ratelimit') {
    const worst = (p) => Math.max(...pick(g[p], 'max_in_window'));
    const limit = g.herald[0].limit;
    rows.push([`ratelimit: most starts in any ${g.herald[0].window_ms} ms window (limit ${limit})`,
               ...peers.map((p) => (g[p].length ? fmt(worst(p)) : '—')),
               [`${worst('herald') <= limit ? 'herald within' : 'herald OVER'}`, ...present.map((p) => `${p} ${worst(p) <= limit ? 'within' : 'over'}`)].join(', '),
               'worst round']);
  }
}
const header = ['scenario', ...peers.map(display), 'ratio', 'detail'];
const last = header.length - 1;
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i === 0 || i === last ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
if (several)
  console.log(`ratio: Herald against the faster (delayed: the less late) of ${others.map(display).join(' and ')}, by median; the peer named is that one.`);
