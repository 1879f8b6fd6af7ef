#!/usr/bin/env bash
# The long fuzz run: thousands of mutated London examples (tests/fuzz.rs),
# each run through the release binary under 2 GB of address space and 20
# CPU seconds, on both cores. Every case must end in exit 0 with a whole
# PDF or exit 1 with none.
#
#   benches/fuzz.sh              # 5,000 cases
#   benches/fuzz.sh 20000        # another count
#   BRIEFING_FUZZ_KEEP=/tmp/fuzz benches/fuzz.sh   # keep failing inputs there
set -euo pipefail
cd "$(dirname "$0")/.."
export BRIEFING_FUZZ_CASES="${1:-5000}"
time cargo test --release --quiet --test fuzz -- --ignored --nocapture
