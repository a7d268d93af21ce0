#!/usr/bin/env bash
# Event plans at scale (issue 16): apply the seeds' plan to an event of 5,000 attendees and 20 sessions,
# then re-apply it moved by an hour, then the same file again; three rounds, each on a new SQLite store.
#   bench/plan-apply.sh [--rounds N] [--attendees N]     HERALDCTL=path to use another build
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
attendees=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --attendees) attendees=$2; shift 2 ;;
    *) echo "plan-apply.sh: unknown option '$1'; use --rounds N or --attendees N" >&2; exit 2 ;;
  esac
done
ctl="${HERALDCTL:-$here/build/release/app/heraldctl/heraldctl}"
[ -x "$ctl" ] || { echo "plan-apply.sh: no heraldctl at $ctl; build first (cmake --preset release && cmake --build --preset release)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$attendees" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
sessions = [{"id": f"s{i}", "title": f"Session {i}", "start": f"2027-06-10T{9 + i // 4:02d}:{(i % 4) * 15:02d}",
             "end": f"2027-06-10T{9 + i // 4:02d}:{(i % 4) * 15 + 14:02d}", "speaker": f"a{i}"} for i in range(20)]
people = [{"id": f"a{i}", "first_name": f"First{i}", "last_name": f"Last{i}", "phone": f"+1810555{i:04d}",
           "locale": "es" if i % 3 == 0 else "en", "sessions": sorted({f"s{i % 20}", f"s{(i * 7) % 20}"})} for i in range(n)]
event = {"id": "big", "name": "Big Conference", "status": "active", "timezone": "America/New_York",
         "start": "2027-06-10T09:00", "end": "2027-06-10T17:00", "venue": "Hall A", "sessions": sessions, "attendees": people}
json.dump(event, open(f"{work}/event.json", "w"))
event.update(start="2027-06-10T10:00", end="2027-06-10T18:00")
json.dump(event, open(f"{work}/moved.json", "w"))
PY
echo "Machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $attendees attendees, 20 sessions; SQLite, durability normal"
ms() { date +%s%3N; }
for r in $(seq "$rounds"); do
  db="$work/round$r.db"
  "$ctl" --db "$db" queue add event-messages >/dev/null
  "$ctl" --db "$db" plan define "$here/docs/examples/conference-plan.json" >/dev/null
  for step in event moved moved; do
    t0=$(ms)
    "$ctl" --db "$db" plan apply "$work/$step.json" --plan conference >"$work/out.txt"
    t1=$(ms)
    echo "round $r: apply $step.json: $((t1 - t0)) ms — $(head -1 "$work/out.txt")"
  done
done
