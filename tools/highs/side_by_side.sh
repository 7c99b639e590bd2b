#!/usr/bin/env bash
# The side-by-side of README "Plan quality": fanzha against HiGHS on generated instances.
#
#   tools/highs/side_by_side.sh [SIZE] [SEEDS] [LIMITS] [STRATEGY]   # prefecture "1 2 3 4 5" "20 120" greedy+ls
#
# For each seed: exports the MILP and the strategy's plan (examples/milp), solves with HiGHS
# one run at a time, one thread, nice (tools/highs/run.py), and scores every HiGHS incumbent
# with fanzha's true concave value (plan --evaluate). Results in out/highs/SIZE-SEED/; the
# table (tab-separated) on stdout. Needs `pip install highspy`.
set -euo pipefail
size=${1:-prefecture}; seeds=${2:-"1 2 3 4 5"}; limits=${3:-"20 120"}; strategy=${4:-greedy+ls}
cargo build --release --example milp --example plan >&2
here=$(dirname "$0")
printf 'seed\tstrategy\tvalue\tseconds\tbound\tmilp_check'
for t in $limits; do printf '\thighs_%ss_value\thighs_%ss_dual_bound\thighs_%ss_status' "$t" "$t" "$t"; done
printf '\n'
for s in $seeds; do
  dir=out/highs/$size-$s
  nice -n 10 target/release/examples/milp --size "$size" --seed "$s" --out "$dir" --strategy "$strategy" > /dev/null
  line=$(python3 -c "import json;d=json.load(open('$dir/summary.json'));print('\t'.join(str(d[k]) for k in ['strategy','value','plan_seconds','bound','check_ok']))")
  for t in $limits; do
    nice -n 10 python3 "$here/run.py" "$dir" --time-limit "$t" > /dev/null 2>&1
    # An infeasible plan makes `plan --evaluate` exit non-zero: the cell says so, nothing else.
    if out=$(target/release/examples/plan --scenario "$dir/scenario.json" --evaluate "$dir/highs-${t}s.json" --json 2>/dev/null); then
      v=$(printf '%s' "$out" | python3 -c "import json,sys;print(json.load(sys.stdin)['outcome']['prevented_loss'])")
    else
      v=infeasible
    fi
    b=$(python3 -c "import json;d=json.load(open('$dir/highs-${t}s.summary.json'));print(d['dual_bound'], d['status'], sep='\t')")
    line="$line\t$v\t$b"
  done
  printf '%s\t%b\n' "$s" "$line"
done
