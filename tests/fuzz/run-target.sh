#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer target for SECONDS on its seeds; fails on any finding.
# usage: run-target.sh TARGET SEEDS_DIR WORK_DIR SECONDS
set -u
target=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$target")
corpus=$work/fuzz-corpus/$name
findings=$work/fuzz-findings/$name
mkdir -p "$corpus" "$findings"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

echo "== $name: $seconds s"
if ! "$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 \
      "$corpus" "$seeds" > "$findings/log.txt" 2>&1; then
  tail -n 40 "$findings/log.txt"
  echo "== $name: FINDING (inputs in $findings)"
  exit 1
fi
grep -E '^stat::number_of_executed_units|^Done' "$findings/log.txt" || true
echo "== $name: clean"
