#!/usr/bin/env bash
# Builds the e-mail parser fuzz target with clang and runs it for a bounded time over the SES/SNS
# samples. Exit 77 (ctest: skipped) when clang++ is not installed; any crash or sanitizer report fails.
# Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS
set -euo pipefail
source_dir=$1
build_dir=$2
seconds=$3
compiler=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$compiler" ]; then
  echo "clang++ is not installed: the fuzz target is skipped (Debian: apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$source_dir/tests/fuzz" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$compiler" "${launcher[@]}" -DHERALD_SOURCE="$source_dir" >/dev/null
cmake --build "$build_dir" -j2
corpus="$build_dir/corpus"
mkdir -p "$corpus"
# New inputs go into the first folder; the samples seed it and stay untouched.
"$build_dir/fuzz_email" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" "$source_dir/tests/fixtures/ses"
