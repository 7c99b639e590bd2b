#!/usr/bin/env python3
"""Solve an `examples/milp` export with HiGHS and write its incumbent as a fanzha plan file.

    python3 tools/highs/run.py DIR --time-limit 120            # DIR from `milp --out DIR`
    python3 tools/highs/run.py DIR --check DIR/fanzha.json     # a plan as a fixed MILP point

Reads DIR/model.mps and DIR/columns.json. Solves on one thread (threads=1) with the time limit,
then writes DIR/highs-<T>s.json (the plan file that `plan --scenario DIR/scenario.json
--evaluate FILE` reads: units are the incumbent's x columns rounded to integers) and
DIR/highs-<T>s.summary.json (HiGHS's status, incumbent objective (the outer approximation's
value, not the true one), dual bound, MIP gap, nodes and wall time). Needs only highspy.

--check PLAN fixes every x column to the plan's units and solves the rest (setups,
productions, exposures, reductions) as a MILP: the model is right if that is feasible and
its objective is at least the plan's true value.
"""

import argparse
import json
import math
import os
import sys
import time

import highspy


def load(directory):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # A warning is HiGHS dropping coefficients below 1e-9 (tangent slopes far out on the
    # curve, tiny audiences): it solves the model without them.
    if h.readModel(os.path.join(directory, "model.mps")) == highspy.HighsStatus.kError:
        sys.exit(f"cannot read {directory}/model.mps")
    with open(os.path.join(directory, "columns.json")) as f:
        columns = json.load(f)
    return h, columns


def column_index(h):
    lp = h.getLp()
    return {name: i for i, name in enumerate(lp.col_names_)}


def check(h, columns, plan_path):
    with open(plan_path) as f:
        plan = json.load(f)
    units = {(a["message"], a["placement"]): a["units"] for a in plan["allocations"]}
    index = column_index(h)
    for arm in columns["arms"]:
        u = float(units.get((arm["message"], arm["placement"]), 0))
        i = index[arm["column"]]
        h.changeColBounds(i, u, u)
    h.setOptionValue("threads", 1)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    obj = h.getInfo().objective_function_value
    value = plan.get("outcome", {}).get("prevented_loss")
    print(json.dumps({"status": status, "milp_objective": obj, "plan_value": value,
                      "ok": status == "Optimal" and value is not None and obj >= value * (1 - 1e-9)}))


def solve(h, columns, directory, limit, seed):
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", os.path.join(directory, f"highs-{limit:g}s.log"))
    started = time.time()
    h.run()
    seconds = time.time() - started
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    index = column_index(h)
    allocations = []
    if info.primal_solution_status >= 1:
        values = h.getSolution().col_value
        for arm in columns["arms"]:
            u = int(round(values[index[arm["column"]]]))
            if u > 0:
                allocations.append({"message": arm["message"], "placement": arm["placement"],
                                    "units": u})
    name = f"highs-{limit:g}s"
    with open(os.path.join(directory, name + ".json"), "w") as f:
        json.dump({"scenario": columns["scenario"], "strategy": f"highs {limit:g} s",
                   "allocations": allocations}, f)
        f.write("\n")
    summary = {"status": status, "seconds": seconds, "time_limit": limit,
               "incumbent_milp_objective": info.objective_function_value
               if info.primal_solution_status >= 1 else None,
               "dual_bound": info.mip_dual_bound, "mip_gap": info.mip_gap,
               "nodes": info.mip_node_count, "highs": h.version(),
               "plan_file": name + ".json"}
    with open(os.path.join(directory, name + ".summary.json"), "w") as f:
        json.dump(summary, f)
        f.write("\n")
    print(json.dumps(summary))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("directory")
    p.add_argument("--time-limit", type=float, default=120.0)
    p.add_argument("--seed", type=int, default=0, help="HiGHS random_seed")
    p.add_argument("--check", metavar="PLAN.json")
    args = p.parse_args()
    h, columns = load(args.directory)
    if args.check:
        check(h, columns, args.check)
    else:
        solve(h, columns, args.directory, args.time_limit, args.seed)


if __name__ == "__main__":
    main()
