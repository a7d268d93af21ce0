#!/usr/bin/env bash
# Herald against Graphile Worker and pg-boss, on one PostgreSQL server this script starts, in one run:
# each scenario runs the three peers one after the other, round after round (the order turns each
# round), and the summary prints every figure and Herald's ratio against the faster of the two others.
#
#   bench/compare-pg.sh [--rounds N] [--messages N] [--concurrency 1,10,100] [--scenarios enqueue,process,delayed]
#                       [--heraldctl PATH]      (or HERALDCTL=PATH; default build/release/app/heraldctl/heraldctl)
#
# Installs what is missing (Debian/Ubuntu: postgresql, nodejs, npm; the peers' npm packages), starts a
# PostgreSQL (newest under /usr/lib/postgresql) on a free loopback port in a temporary folder
# (shared_buffers=256MB, synchronous_commit and fsync left on), gives each run a new database, stops and
# removes the server at exit, and writes the raw JSON lines to build/compare-pg-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
messages=""
concurrency="10"
scenarios="enqueue,process,delayed"
heraldctl="${HERALDCTL:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --heraldctl) heraldctl=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "compare-pg.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done
for s in ${scenarios//,/ }; do
  case "$s" in
    enqueue|process|delayed) ;;
    *) echo "compare-pg.sh: unknown scenario '$s' (enqueue, process, delayed)" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare-pg.sh: --rounds '$rounds' is not a positive whole number" >&2; exit 2; }
[ -z "$messages" ] || [[ "$messages" =~ ^[1-9][0-9]*$ ]] || { echo "compare-pg.sh: --messages '$messages' is not a positive whole number" >&2; exit 2; }
[[ "$concurrency" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "compare-pg.sh: --concurrency '$concurrency' is not a list like 1,10,100" >&2; exit 2; }

# Nothing in the caller's environment may steer our tools to another server or change the sessions'
# settings (PGOPTIONS could turn synchronous_commit off).
while read -r v; do unset "$v"; done < <(compgen -e | grep '^PG' || true)

# ---- what the run needs
# shellcheck source=scripts/deps.sh
source scripts/deps.sh
build_packages=("${HERALD_PACKAGES[@]}")
pg_bin() { # the newest /usr/lib/postgresql/<version>/bin that has initdb
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}
missing=()
pg_bin >/dev/null || missing+=(postgresql)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  HERALD_PACKAGES=("${missing[@]}")
  herald_install_packages
fi
bin=$(pg_bin) || { echo "compare-pg.sh: no /usr/lib/postgresql/<version>/bin/initdb after installing postgresql" >&2; exit 1; }
peers_dir=bench/peers
for p in graphile-worker:graphile-worker pg-boss:pg-boss; do
  dir="$peers_dir/${p%%:*}" module="${p#*:}"
  if [ ! -d "$dir/node_modules/$module" ]; then
    # npm ci installs the versions of package-lock.json; some npm releases refuse a lock file that lacks
    # the other platforms' optional packages, and npm install (which keeps the locked versions) does it then.
    (cd "$dir" && { npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund; })
  fi
done
if [ -z "$heraldctl" ]; then
  heraldctl=build/release/app/heraldctl/heraldctl
  if [ ! -x "$heraldctl" ]; then
    HERALD_PACKAGES=("${build_packages[@]}")
    herald_install_packages
    cmake --preset release
    cmake --build --preset release --target heraldctl -j2
  fi
fi
[ -x "$heraldctl" ] || { echo "compare-pg.sh: heraldctl '$heraldctl' is not an executable" >&2; exit 1; }

# ---- one PostgreSQL server for the three peers
# PostgreSQL refuses to run as root: as root, the server and its tools run as the "postgres" user that
# the Debian package creates, in a folder that user owns.
as_server=()
tmp=""
data=""
port=""
out=""
cleanup() {
  local status=$?
  if [ -n "$data" ] && [ -f "$data/postmaster.pid" ]; then
    # immediate: the data is thrown away next
    (cd / && "${as_server[@]}" "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null 2>&1) \
      || echo "compare-pg.sh: could not stop the PostgreSQL server in $data" >&2
  fi
  [ -z "$tmp" ] || rm -rf "$tmp"
  if [ "$status" -ne 0 ] && [ -n "$out" ]; then
    echo "compare-pg.sh: stopped (status $status); the results so far are in $out" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/herald-compare-pg.XXXXXX)
data="$tmp/data"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "compare-pg.sh: running as root and there is no 'postgres' user to run the server as (install postgresql)" >&2; exit 1; }
  chown postgres:postgres "$tmp"
  as_server=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi

(cd / && "${as_server[@]}" "$bin/initdb" -D "$data" -U herald --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1) \
  || { cat "$tmp/initdb.log" >&2; echo "compare-pg.sh: initdb failed" >&2; exit 1; }
# Connections from the loopback address and this folder's socket only, without a password.
"${as_server[@]}" sh -c "printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' > '$data/pg_hba.conf'"
max_c=$(tr ',' '\n' <<<"$concurrency" | sort -n | tail -n 1)
# Graphile Worker and pg-boss are given a pool as large as the concurrency; room for that and Herald's.
max_connections=$(( max_c * 2 + 20 > 100 ? max_c * 2 + 20 : 100 ))
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if (cd / && "${as_server[@]}" "$bin/pg_ctl" start -D "$data" -l "$tmp/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$tmp -c shared_buffers=256MB -c max_connections=$max_connections" \
        >/dev/null 2>&1); then
    break
  fi
  [ "$attempt" -eq 5 ] && { cat "$tmp/server.log" >&2; echo "compare-pg.sh: the PostgreSQL server did not start" >&2; exit 1; }
done
for _ in $(seq 1 100); do "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.1; done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "compare-pg.sh: the PostgreSQL server on port $port does not answer" >&2; exit 1; }
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U herald)
sql() { "${psql[@]}" -d postgres -Atc "$1"; }
url() { echo "postgres://herald@127.0.0.1:$port/$1"; }
durability="synchronous_commit $(sql 'SHOW synchronous_commit')"
[ "$(sql 'SHOW fsync')" = on ] || echo "compare-pg.sh: fsync is off on this server; the figures are not durable" >&2

# A new, empty database before every run, so no run sees the rows of another (Herald's store is
# created by heraldctl init; the peers create their schemas themselves).
fresh_db() {
  "${psql[@]}" -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" \
              -c "CREATE DATABASE \"$1\""
  if [ "$1" = herald ]; then "$heraldctl" --db "$(url herald)" init >/dev/null; fi
}

# One scenario for one peer; prints its JSON lines with the round added.
run_peer() { # peer round scenario [options...]
  local peer=$1 round=$2 scenario=$3
  shift 3
  fresh_db "${peer//-/_}"
  case "$peer" in
    # heraldctl names the SQLite durability of its --durability option, which a PostgreSQL store does
    # not use (it leaves synchronous_commit at the server's setting): the server's setting is named.
    herald) "$heraldctl" bench "$scenario" --db "$(url herald)" "$@" \
              | sed -e "s/\"durability\":\"[^\"]*\"/\"durability\":\"$durability\"/" ;;
    *) (cd "$peers_dir/$peer" && node bench.js "$scenario" --db "$(url "${peer//-/_}")" "$@") ;;
  esac | sed "s/^{/{\"round\":$round,/"
}

# ---- the runs
mkdir -p build
out="build/compare-pg-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$out"
common=()
[ -n "$messages" ] && common+=(--messages "$messages")
version() { node -p "require('./$peers_dir/$1/node_modules/$1/package.json').version"; }
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GB;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL $(sql 'SHOW server_version') on 127.0.0.1:$port, shared_buffers $(sql 'SHOW shared_buffers'), $durability, fsync $(sql 'SHOW fsync');" \
     "$("$heraldctl" --version | head -n 1); node $(node --version); Graphile Worker $(version graphile-worker); pg-boss $(version pg-boss)"
echo "Raw results: $out"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "************************************************************************************" >&2
  echo "* NOISY: load average $load1 at the start (above 0.5). Something else is running;" >&2
  echo "* these figures are not a result. Wait for a quiet machine (uptime) and run again." >&2
  echo "************************************************************************************" >&2
fi
peers=(herald graphile-worker pg-boss)
for round in $(seq 1 "$rounds"); do
  # The order turns each round (herald first, then graphile-worker first, …), so no peer always runs
  # on the heels of the same other.
  order=()
  for i in 0 1 2; do order+=("${peers[$(( (i + round - 1) % 3 ))]}"); done
  for s in ${scenarios//,/ }; do
    if [ "$s" = process ]; then
      IFS=, read -ra runs <<<"$concurrency"
    else
      runs=(-)
    fi
    for c in "${runs[@]}"; do
      extra=()
      [ "$c" != - ] && extra+=(--concurrency "$c")
      echo "round $round/$rounds: $s${extra[*]:+ ${extra[*]}} (${order[*]})" >&2
      for peer in "${order[@]}"; do
        run_peer "$peer" "$round" "$s" "${common[@]}" "${extra[@]}" | tee -a "$out" >&2
      done
    done
  done
done
node bench/compare-summary.js "$out"
