#!/usr/bin/env bash
# A longer fuzzing run than CI's, to add to the executions recorded in docs/reliability.md.
# Usage: fuzz/campaign.sh <fuzz-build-dir> <seconds-per-target> [target...]
# Each target keeps a growing corpus in <fuzz-build-dir>/campaign/<target>/ between runs (the
# repo's fuzz/corpus/ stays the small minimised seed set). Prints one markdown row per target:
# target | seconds | executions | corpus files | result. Exits non-zero on any finding and
# leaves the reproducer in <fuzz-build-dir>/campaign/artifacts/.
set -euo pipefail
build=$(cd "$1" && pwd) seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/campaign/artifacts"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for source in "$root"/fuzz/*_fuzz.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

echo "| target | seconds | executions | corpus files | result |"
echo "|---|---:|---:|---:|---|"
status=0
for name in "${targets[@]}"; do
  corpus=$build/campaign/$name
  mkdir -p "$corpus"
  seeds=()
  [[ -d $root/fuzz/corpus/$name ]] && seeds+=("$root/fuzz/corpus/$name")
  if [[ -f $root/fuzz/$name.seeds ]]; then
    while read -r dir; do
      [[ -z $dir || $dir == \#* ]] && continue
      seeds+=("$root/$dir")
    done <"$root/fuzz/$name.seeds"
  fi
  log=$build/campaign/$name.log
  result=clean
  "$build/fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/campaign/artifacts/$name-" \
    "$corpus" "${seeds[@]}" 2>"$log" || { result="FINDING (see $log)"; status=1; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  echo "| $name | $seconds | ${execs:-?} | $files | $result |"
done
exit $status
