#!/usr/bin/env bash
# Benchmarks of the release build: whole-process times (hyperfine, median),
# peak memory, PDF size, then the in-process stage and scaling benchmark
# (benches/pipeline.rs). Results are recorded in benches/RESULTS.md.
#
#   benches/run.sh            # needs hyperfine: apt-get install hyperfine
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "benches/run.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

cargo build --release --quiet
bin=$PWD/target/release/briefing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
batch="$bin batch data/borough/briefing.json --each borough.area_name --data-root data --quiet"

echo "# $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(date -u +%F), $(git rev-parse --short HEAD)"
echo
echo "## Whole process (hyperfine, median of 20 after 3 warm-up runs)"
echo
hyperfine -N --warmup 3 --runs 20 --export-json "$work/times.json" \
  -n "build (built-in briefing)" "$bin build -o $work/b.pdf" \
  -n "check (built-in briefing)" "$bin check" \
  -n "batch, 32 boroughs, both cores" "$batch -o $work/boroughs" \
  -n "batch, 32 boroughs, one core" "$batch -o $work/boroughs1 --jobs 1" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
print("| command | median ms | min ms | max ms |\n|---|---:|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f} | {r['max']*1000:.1f} |")
PY
echo
echo "## Size and peak memory"
echo
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "| measure | value |"
echo "|---|---:|"
echo "| built-in briefing PDF | $(stat -c %s "$work/b.pdf") bytes, $(pdfinfo "$work/b.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}') pages |"
echo "| peak RSS, build | $(rss "$bin" build -o "$work/m.pdf") KB |"
echo "| peak RSS, batch of 32 | $(rss $batch -o "$work/boroughs2") KB |"
echo "| binary (stripped) | $(stat -c %s "$bin") bytes |"
echo
cargo bench --quiet --bench pipeline 2>/dev/null
