#!/usr/bin/env bash
# Herald against BullMQ, side by side, on this machine, in one run (DESIGN §10): each scenario runs
# Herald then BullMQ, round after round, and the summary prints every figure and the ratio.
#
#   bench/compare.sh [--rounds N] [--messages N] [--concurrency 1,10,100] [--durability normal|full]
#                    [--scenarios enqueue,process,delayed,ratelimit]
#
# Installs what is missing (Debian/Ubuntu: redis-server, nodejs, npm; the peer's npm packages), builds
# heraldctl when it is not built yet, and writes the raw JSON lines to build/compare-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=3
messages=""
concurrency="1,10,100"
durability="normal"
scenarios="enqueue,process,delayed,ratelimit"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --durability) durability=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done

# ---- what the run needs
source scripts/deps.sh
build_packages=("${HERALD_PACKAGES[@]}")
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  HERALD_PACKAGES=("${missing[@]}")
  herald_install_packages
fi
peer=bench/peers/bullmq
if [ ! -d "$peer/node_modules/bullmq" ]; then
  # npm ci installs the versions of package-lock.json; some npm releases refuse a lock file that lacks
  # the other platforms' optional packages, and npm install (which keeps the locked versions) does it then.
  (cd "$peer" && { npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund; })
fi
heraldctl=build/release/app/heraldctl/heraldctl
if [ ! -x "$heraldctl" ]; then
  HERALD_PACKAGES=("${build_packages[@]}")
  herald_install_packages
  cmake --preset release
  cmake --build --preset release --target heraldctl -j2
fi

# ---- the runs, alternating
mkdir -p build
out="build/compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$out"
common=()
[ -n "$messages" ] && common+=(--messages "$messages")
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GB;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg); $(redis-server --version | cut -d' ' -f1-3); node $(node --version);" \
     "BullMQ $(node -p "require('./$peer/node_modules/bullmq/package.json').version")"
echo "Raw results: $out"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "************************************************************************************" >&2
  echo "* NOISY: load average $load1 at the start (above 0.5). Something else is running;" >&2
  echo "* these figures are not a result. Wait for a quiet machine (uptime) and run again." >&2
  echo "************************************************************************************" >&2
fi
for round in $(seq 1 "$rounds"); do
  for s in ${scenarios//,/ }; do
    extra=()
    [ "$s" = process ] && extra+=(--concurrency "$concurrency")
    echo "round $round/$rounds: $s" >&2
    "$heraldctl" bench "$s" "${common[@]}" "${extra[@]}" --durability "$durability" | sed "s/^{/{\"round\":$round,/" | tee -a "$out" >&2
    (cd "$peer" && node bench.js "$s" "${common[@]}" "${extra[@]}") | sed "s/^{/{\"round\":$round,/" | tee -a "$out" >&2
  done
done
node bench/compare-summary.js "$out"
