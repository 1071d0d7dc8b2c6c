#!/usr/bin/env python3
"""The reports of scripts/bench.sh (never part of the tests).

  bench-report.py pipeline OUT_JSON DUCKDB_JSON CORES:RUN_JSON:EVENT_LOG:WALL_SECONDS...
      One day, `ippipe run` at each core count: per stage (from run.json's stage windows and
      Spark's event log) its wall time, log rows/s per core, the local[1] time, speedup and
      Karp-Flatt serial fraction, the driver-only time (no task running), the critical path
      (driver-only time plus the longest chain of Spark stages, each costing its longest task),
      the Spark jobs it submitted (each costs the driver planning and scheduling), task seconds, the max/median task time of its heaviest Spark stage, the peak JVM heap; then
      DuckDB's pipeline on the same files (DUCKDB_JSON, '' without it) and the ratio.
  bench-report.py scale OUT_JSON...
      Time per log row at each size, against the smallest.
  bench-report.py profile JFR_FILE
      Where the CPU went (JFR execution samples, by the top frame's code area), for the runs
      `scripts/bench.sh --profile` records.
"""
import json
import os
import statistics
import sys
from collections import defaultdict

STAGES = ["ingest", "probe", "score", "publish"]


def read_event_log(event_log):
    """Spark's event log of one run: its tasks (stage id, launch ms, finish ms, peak heap), its
    Spark stages (id -> submission ms, completion ms) and its jobs' submission times (ms)."""
    tasks, stages, jobs = [], {}, []
    with open(event_log) as f:
        for line in f:
            e = json.loads(line)
            kind = e["Event"]
            if kind == "SparkListenerTaskEnd" and e["Task End Reason"]["Reason"] == "Success":
                info = e["Task Info"]
                peak = (e.get("Task Executor Metrics") or {}).get("JVMHeapMemory", 0)
                tasks.append((e["Stage ID"], info["Launch Time"], info["Finish Time"], peak))
            elif kind == "SparkListenerJobStart":
                jobs.append(e["Submission Time"])
            elif kind == "SparkListenerStageCompleted":
                info = e["Stage Info"]
                if info.get("Submission Time") and info.get("Completion Time"):
                    stages[info["Stage ID"]] = (info["Submission Time"], info["Completion Time"])
    return tasks, stages, jobs


def busy_ms(intervals, lo, hi):
    """Milliseconds of [lo, hi] covered by at least one of the intervals."""
    covered, end = 0, lo
    for a, b in sorted(intervals):
        a, b = max(a, end), min(b, hi)
        if b > a:
            covered += b - a
            end = b
    return covered


def stage_parallelism(tasks, stages, jobs, lo, hi):
    """One ippipe stage, the window [lo, hi] ms of the run: its task time, its driver-only time
    (no task running anywhere), its critical path (driver-only time plus the longest chain of
    Spark stages that ran one after another, each costing its longest task), task skew, heap."""
    mine = [t for t in tasks if lo <= t[1] <= hi]
    by_stage = defaultdict(list)
    for sid, a, b, _ in mine:
        by_stage[sid].append(b - a)
    driver_only = (hi - lo) - busy_ms([(a, b) for _, a, b, _ in mine], lo, hi)
    chain = sorted((stages[s][0], stages[s][1], max(d)) for s, d in by_stage.items() if s in stages)
    best = []
    for i, (sub, _, cost) in enumerate(chain):
        best.append(cost + max((best[j] for j in range(i) if chain[j][1] <= sub), default=0))
    heaviest = max(by_stage.values(), key=sum, default=[])
    median = statistics.median(heaviest) if heaviest else 0
    return {
        "jobs": sum(1 for j in jobs if lo <= j <= hi),
        "tasks": len(mine),
        "task_seconds": round(sum(b - a for _, a, b, _ in mine) / 1000, 1),
        "driver_only_seconds": round(driver_only / 1000, 1),
        "critical_path_seconds": round((driver_only + max(best, default=0)) / 1000, 1),
        "heaviest_max_over_median": round(max(heaviest) / median, 2) if median else None,
        "peak_heap_mb": round(max((t[3] for t in mine), default=0) / 2**20) or None,
    }


def one_run(cores, run_json, event_log, wall):
    """Per ippipe stage of one `ippipe run`, and the whole command."""
    run = json.load(open(run_json))
    tasks, stages, jobs = read_event_log(event_log)
    out = {"cores": cores, "wall": wall, "log_rows": run["ingest"]["rows"]["requests"]["read"],
           "proxies": run["ingest"]["rows"]["inventory"]["read"], "stages": {}}
    for s in run["stages"]:
        if s["status"] != "ran":
            continue
        lo = s["startedAtMillis"]
        hi = lo + s["seconds"] * 1000
        out["stages"][s["stage"]] = {"seconds": s["seconds"], **stage_parallelism(tasks, stages, jobs, lo, hi)}
    first = min((t[1] for t in tasks), default=0)
    last = max((t[2] for t in tasks), default=0)
    out["stages"]["whole command"] = {"seconds": round(wall, 1), **stage_parallelism(tasks, stages, jobs, first, last)}
    # Before the first task and after the last: JVM and session start, planning, shutdown.
    whole = out["stages"]["whole command"]
    driver_only = round(wall - busy_ms([(a, b) for _, a, b, _ in tasks], first, last) / 1000, 1)
    whole["critical_path_seconds"] = round(
        whole["critical_path_seconds"] - whole["driver_only_seconds"] + driver_only, 1)
    whole["driver_only_seconds"] = driver_only
    return out


def pipeline(out_json, duckdb_json, *runs):
    """One day: `ippipe run` at each core count (runs: CORES:RUN_JSON:EVENT_LOG:WALL_SECONDS),
    and DuckDB's pipeline on the same files (duckdb_json, or '' without it)."""
    results = []
    for r in runs:
        cores, run_json, event_log, wall = r.split(":")
        results.append(one_run(int(cores), run_json, event_log, float(wall)))
    results.sort(key=lambda r: r["cores"])
    top = results[-1]
    one = results[0] if results[0]["cores"] == 1 and len(results) > 1 else None
    rows = top["log_rows"]
    p = top["cores"]
    print(f"{rows:,} log rows, {top['proxies']:,} inventory lines; local[{p}] unless said")
    print(f"  {'stage':14} {'seconds':>8} {'rows/s/core':>12} {'local[1] s':>11} {'speedup':>8}"
          f" {'Karp-Flatt':>11} {'driver-only':>12} {'critical path':>14} {'jobs':>5} {'task s':>7}"
          f" {'max/median':>11} {'heap MB':>8}")
    for stage, m in top["stages"].items():
        m["log_rows_per_s_core"] = round(rows / m["seconds"] / p) if m["seconds"] else None
        if one and stage in one["stages"] and m["seconds"]:
            m["local1_seconds"] = one["stages"][stage]["seconds"]
            m["speedup"] = round(m["local1_seconds"] / m["seconds"], 2)
            # Karp-Flatt: the serial fraction the measured speedup S on p cores implies.
            m["karp_flatt"] = round((1 / m["speedup"] - 1 / p) / (1 - 1 / p), 3)
        share = 100 * m["driver_only_seconds"] / m["seconds"] if m["seconds"] else 0
        dash = lambda v, f="{}": "-" if v is None else f.format(v)
        print(f"  {stage:14} {m['seconds']:8.1f} {dash(m['log_rows_per_s_core'], '{:,}'):>12}"
              f" {dash(m.get('local1_seconds')):>11} {dash(m.get('speedup')):>8}"
              f" {dash(m.get('karp_flatt')):>11} {m['driver_only_seconds']:6.1f} ({share:3.0f}%)"
              f" {m['critical_path_seconds']:14.1f} {m['jobs']:5d} {m['task_seconds']:7.1f}"
              f" {dash(m.get('heaviest_max_over_median')):>11} {dash(m.get('peak_heap_mb')):>8}")
    doc = {"log_rows": rows, "runs": results}
    if duckdb_json and os.path.exists(duckdb_json) and os.path.getsize(duckdb_json):
        d = json.load(open(duckdb_json))
        doc["duckdb"] = d
        whole = top["stages"]["whole command"]["seconds"]
        print(f"  DuckDB, the same job on the same files, {d['cores']} threads: {d['seconds']:.1f} s, "
              f"{round(d['rows'] / d['seconds'] / d['cores']):,} log rows/s/core "
              f"({d['valid']:,} valid, {d['rejects']:,} rejected, {d['proxies_with_evidence']:,} proxies with evidence)")
        print(f"  ippipe / DuckDB, whole command at equal cores: {whole / d['seconds']:.2f}x the time")
    with open(out_json, "w") as f:
        json.dump(doc, f, indent=2)


def scale(files):
    """Time per log row at each size, against the smallest, at the most cores measured."""
    docs = [json.load(open(f)) for f in files]
    base = None
    print(f"  {'log rows':>12} {'whole s':>8} {'ns/row/core':>12} {'vs first':>9} {'speedup':>8}   per stage ns/row/core")
    for d in docs:
        top = d["runs"][-1]
        st = top["stages"]
        ns = 1e9 * st["whole command"]["seconds"] * top["cores"] / d["log_rows"]
        base = base or ns
        per = ", ".join(f"{s} {1e9 * st[s]['seconds'] * top['cores'] / d['log_rows']:,.0f}"
                        for s in STAGES if s in st)
        print(f"  {d['log_rows']:12,} {st['whole command']['seconds']:8.1f} {ns:12,.0f} {ns / base:9.2f}"
              f" {st['whole command'].get('speedup', '-'):>8}   {per}")


AREAS = [  # (top frame's class prefix, area): the first match wins
    ("com.github.luben.zstd", "zstd (Parquet compression)"),
    ("org.apache.parquet.column.values.dictionary", "Parquet dictionary encoding"),
    ("org.apache.parquet.column.statistics", "Parquet column statistics"),
    ("org.apache.parquet", "Parquet other"),
    ("org.apache.spark.sql.execution.datasources.parquet", "Spark's Parquet reader and writer"),
    ("org.apache.spark.sql.catalyst.expressions.GeneratedClass", "generated code (Spark and ippipe expressions)"),
    ("org.apache.spark.sql.catalyst.expressions.codegen", "Spark code generation"),
    ("org.apache.spark.sql.catalyst.expressions.Unsafe", "Spark UnsafeRow"),
    ("org.apache.spark.unsafe", "Spark UnsafeRow"),
    ("org.apache.spark.sql.catalyst", "Spark Catalyst (other)"),
    ("org.apache.spark.sql.execution.aggregate", "Spark aggregation"),
    ("org.apache.spark.util.collection", "Spark sort and spill"),
    ("org.apache.spark.shuffle", "Spark shuffle"),
    ("org.apache.spark.sql.execution", "Spark SQL execution (other)"),
    ("org.apache.spark", "Spark core"),
    ("io.ippipe", "ippipe"),
    ("com.maxmind", "MaxMind reader"),
    ("org.codehaus.janino", "Janino (compiling generated code)"),
    ("com.fasterxml.jackson", "Jackson"),
    ("scala.", "Scala library"),
    ("java.util.zip", "java.util.zip"),
    ("javax.crypto", "JCE"),
    ("com.sun.crypto", "JCE"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]


def profile(jfr_file):
    import subprocess
    text = subprocess.run(["jfr", "print", "--stack-depth", "1", "--events", "jdk.ExecutionSample",
                           jfr_file], capture_output=True, text=True, check=True).stdout
    counts = defaultdict(int)
    total = 0
    expect_frame = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("stackTrace = ["):
            expect_frame = True
            continue
        if expect_frame:
            expect_frame = False
            frame = line.split("(")[0]
            area = next((a for prefix, a in AREAS if frame.startswith(prefix)), "other: " + frame.rsplit(".", 2)[0])
            counts[area] += 1
            total += 1
    print(f"  {total:,} CPU samples (JFR, top frame)")
    for area, n in sorted(counts.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {100 * n / total:5.1f}%  {area}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "pipeline":
        pipeline(*args)
    elif cmd == "scale":
        scale(args)
    elif cmd == "profile":
        profile(args[0])
    else:
        sys.exit(__doc__)
