#!/usr/bin/env bash
# Run one libFuzzer target for a bounded time over its seeds.
# Usage: run_fuzzer.sh <binary> <target-name> <project-root> <seconds>
set -euo pipefail
binary=$1 name=$2 root=$3 seconds=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"

seeds=()
[[ -d $root/fuzz/corpus/$name ]] && seeds+=("$root/fuzz/corpus/$name")
if [[ -f $root/fuzz/$name.seeds ]]; then
  while read -r dir; do
    [[ -z $dir || $dir == \#* ]] && continue
    if [[ ! -d $root/$dir ]]; then
      echo "seed folder $root/$dir is missing" >&2
      exit 1
    fi
    seeds+=("$root/$dir")
  done < "$root/fuzz/$name.seeds"
fi

# New inputs go to the scratch corpus; seeds are read only. Any finding exits non-zero.
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "${seeds[@]}" 2>"$work/log" || {
  tail -50 "$work/log" >&2
  for f in "$work"/artifacts/*; do [[ -f $f ]] && { echo "reproducer: $f"; base64 -w0 "$f"; echo; }; done
  exit 1
}
grep -E '^stat::number_of_executed_units|^Done' "$work/log" || true
