#!/usr/bin/env python3
"""The reports of scripts/bench.sh (never part of the tests).

  bench-report.py pipeline RUN_JSON EVENT_LOG WALL_SECONDS OUT_JSON
      One `ippipe run`: per stage its wall time (from the run's _metrics run.json), log rows per
      second and per core, ns per log row per core, the max/median task time of its heaviest
      Spark stage (by summed task time) and of its most uneven stage of 4+ tasks, and the peak
      JVM heap its tasks saw (from Spark's event log; in local mode the driver is the executor).
  bench-report.py baselines PIPELINE_JSON GEO_JSON CIPHER_JSON [DUCKDB_JSON]
      The side-by-side ratios.
  bench-report.py scale PIPELINE_JSON...
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


def tasks_by_stage(event_log):
    """ippipe stage (the Spark job group's first word) -> task skew and peak heap."""
    stage_group = {}
    tasks = defaultdict(list)
    heap = defaultdict(int)
    with open(event_log) as f:
        for line in f:
            e = json.loads(line)
            kind = e["Event"]
            if kind == "SparkListenerJobStart":
                group = (e.get("Properties") or {}).get("spark.jobGroup.id") or "other"
                for s in e["Stage IDs"]:
                    stage_group[s] = group.split("-")[0]
            elif kind == "SparkListenerTaskEnd":
                group = stage_group.get(e["Stage ID"], "other")
                peak = (e.get("Task Executor Metrics") or {}).get("JVMHeapMemory", 0)
                heap[group] = max(heap[group], peak)
                if e["Task End Reason"]["Reason"] == "Success":
                    info = e["Task Info"]
                    tasks[e["Stage ID"]].append(info["Finish Time"] - info["Launch Time"])
            elif kind == "SparkListenerStageExecutorMetrics":
                group = stage_group.get(e["Stage ID"], "other")
                heap[group] = max(heap[group], e["Executor Metrics"].get("JVMHeapMemory", 0))
    by_group = defaultdict(list)
    for stage, times in tasks.items():
        by_group[stage_group.get(stage, "other")].append(times)

    def skew(times):
        median = statistics.median(times)
        return round(max(times) / median, 2) if median > 0 else None

    out = {}
    for group, stages in by_group.items():
        heaviest = max(stages, key=sum)
        wide = [t for t in stages if len(t) >= 4]
        out[group] = {
            "tasks": sum(len(t) for t in stages),
            "heaviest_tasks": len(heaviest),
            "heaviest_max_over_median": skew(heaviest),
            "widest_max_over_median": max((skew(t) or 0 for t in wide), default=None),
            "peak_heap_mb": round(heap[group] / 2**20) if heap[group] else None,
        }
    return out


def pipeline(run_json, event_log, wall, out_json):
    run = json.load(open(run_json))
    cores = os.cpu_count()
    log_rows = run["ingest"]["rows"]["requests"]["read"]
    proxies = run["ingest"]["rows"]["inventory"]["read"]
    tasks = tasks_by_stage(event_log)
    rows = []
    for s in run["stages"]:
        if s["status"] != "ran":
            continue
        t = tasks.get(s["stage"], {})
        rows.append({"stage": s["stage"], "seconds": s["seconds"], **t})
    total = sum(r["seconds"] for r in rows)
    rows.append({"stage": "all stages", "seconds": round(total, 1),
                 "peak_heap_mb": max((r.get("peak_heap_mb") or 0 for r in rows), default=None)})
    rows.append({"stage": "whole command", "seconds": round(wall, 1)})
    print(f"{log_rows:,} log rows, {proxies:,} proxies, {cores} cores, Parquet input")
    print(f"  {'stage':14} {'seconds':>8} {'log rows/s':>12} {'per core':>10} {'ns/row/core':>12}"
          f" {'max/median':>11} {'(4+ tasks)':>11} {'peak heap MB':>13}")
    for r in rows:
        per_core = log_rows / r["seconds"] / cores if r["seconds"] else 0
        r["log_rows_per_s_core"] = round(per_core)
        r["ns_per_row_core"] = round(1e9 / per_core, 1) if per_core else None
        fmt = lambda v: "-" if v is None else v
        print(f"  {r['stage']:14} {r['seconds']:8.1f} {log_rows / r['seconds'] if r['seconds'] else 0:12,.0f}"
              f" {per_core:10,.0f} {fmt(r['ns_per_row_core']):>12} {fmt(r.get('heaviest_max_over_median')):>11}"
              f" {fmt(r.get('widest_max_over_median')):>11} {fmt(r.get('peak_heap_mb')):>13}")
    doc = {"log_rows": log_rows, "proxies": proxies, "cores": cores, "stages": rows}
    with open(out_json, "w") as f:
        json.dump(doc, f, indent=2)


def baselines(pipeline_json, geo_json, cipher_json, duckdb_json=None):
    p = json.load(open(pipeline_json))
    g = json.load(open(geo_json))
    c = json.load(open(cipher_json))
    d = json.load(open(duckdb_json)) if duckdb_json and os.path.getsize(duckdb_json) else None
    print("geotag, ns per row per core (IPv4 proxy addresses of the day, into a no-op sink):")
    print(f"  geotag's columns: {g['all_ns']:,.0f} (15 fields), {g['country_ns']:,.0f} (country), "
          f"{g['asn_ns']:,.0f} (ASN); reading the addresses alone: {g['scan_ns']:,.0f}")
    lines = [
        ("MaxMind reader UDF, country only / geotag's country", g["reader_country_ns"] / g["country_ns"]),
        ("MaxMind reader UDF, 6 city fields / geotag's 15 fields", g["reader_city_ns"] / g["all_ns"]),
        (f"Spark SQL BETWEEN join (sample of {g['between_sample']:,}) / geotag's ASN", g["between_ns"] / g["asn_ns"]),
    ]
    if d:
        lines.append(("DuckDB BETWEEN join (IEJoin) / geotag's ASN", d["duckdb_between_ns"] / g["asn_ns"]))
        lines.append(("DuckDB ASOF join / geotag's ASN", d["duckdb_asof_ns"] / g["asn_ns"]))
    for what, ratio in lines:
        print(f"  {what:66} {ratio:8,.1f}x")
    if "floor_ns" in g:
        budget = g["reader_country_ns"] / 20
        print(f"  20x the reader UDF (country) means at most {budget:,.0f} ns/row/core for the whole stage; "
              f"Spark alone costs {g['floor_ns']:,.0f} for a constant per row and {g['scan_ns']:,.0f} to "
              f"read the address; the lookup kernel on the day's addresses, one thread: geotag "
              f"{g['kernel_geotag_ns']:,.1f} ns, reader {g['kernel_reader_ns']:,.0f} ns "
              f"({g['kernel_reader_ns'] / g['kernel_geotag_ns']:,.0f}x)")
    if g["country_ns"] > 1.2 * g["scan_ns"]:
        net = (g["reader_country_ns"] - g["scan_ns"]) / (g["country_ns"] - g["scan_ns"])
        print(f"  the lookup alone (each minus reading the addresses): reader / geotag = {net:,.1f}x (country)")
    else:
        print("  the lookup alone: geotag's country costs no more than reading the addresses, within "
              "this machine's noise; the ratios above are bounded by that read")
    print("encrypt, ns per row per core (client addresses of the day):")
    for scheme, v in c.items():
        print(f"  {scheme:22} cipher per task {v['task_ns']:8,.0f}   created per row {v['row_ns']:8,.0f}"
              f"   ratio {v['row_ns'] / v['task_ns']:6.1f}x")
    stages = {r["stage"]: r for r in p["stages"]}
    whole = stages["all stages"]
    print(f"pipeline: {whole['log_rows_per_s_core']:,} log rows/s/core over all stages "
          f"(target 1,000,000: {whole['log_rows_per_s_core'] / 1e6:.2f} of it)")


def scale(files):
    docs = [json.load(open(f)) for f in files]
    base = None
    print(f"  {'log rows':>12} {'all stages s':>13} {'ns/row/core':>12} {'vs first':>9}   per stage ns/row/core")
    for d in docs:
        stages = {r["stage"]: r for r in d["stages"]}
        ns = stages["all stages"]["ns_per_row_core"]
        base = base or ns
        per = ", ".join(f"{s} {stages[s]['ns_per_row_core']:,.0f}" for s in STAGES if s in stages)
        print(f"  {d['log_rows']:12,} {stages['all stages']['seconds']:13.1f} {ns:12,.0f} {ns / base:9.2f}   {per}")


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
        pipeline(args[0], args[1], float(args[2]), args[3])
    elif cmd == "baselines":
        baselines(*args)
    elif cmd == "scale":
        scale(args)
    elif cmd == "profile":
        profile(args[0])
    else:
        sys.exit(__doc__)
