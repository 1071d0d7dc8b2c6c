"""The nightly ippipe run as an Airflow DAG: one task per stage, each `ippipe run --stage S`.

Each task runs `scripts/submit.sh run --date {{ ds }} --stage S ...`, so every task is
idempotent (a done stage is skipped, a failed one left nothing half-written) and Airflow's
retries only redo what failed. Exit codes (README):
  0 success; 1 runtime failure: retried with exponential backoff;
  2 configuration error and 3 data-quality gate: failed at once, never retried.

Geo index, config and the log4j file travel with --files; keys come from the Hadoop credential
provider named in the config (crypto.keys = nightly=credential:..., see docs/encryption.md) and
the Redis password from a 0600 file on the Airflow worker: nothing secret is in the arguments.

Settings (environment of the Airflow worker): IPPIPE_HOME (the release), IPPIPE_LAKE,
IPPIPE_INBOX (where each day's inventories and logs land, as dt=YYYY-MM-DD/{inventory,requests}),
IPPIPE_CONF_FILE and IPPIPE_GEO_INDEX (shipped with --files). The tasks are the stages of
run.stages in that config file (one task each, in order); with probe among them,
IPPIPE_PROBE_JUDGE (http://HOST:PORT/judge of an `ippipe judge` the proxies reach) is the judge;
its signing key (probe.judge_key), supplier credentials (probe.credentials) and which supplier
owns which feed (probe.credential_owners) come from the config file (docs/probe.md).

`python3 ippipe_daily.py --print-commands 2026-11-25` prints the command of every task, one JSON
array per line; CI runs each with --dry-run to prove the CLI accepts it.
"""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

IPPIPE_HOME = os.environ.get("IPPIPE_HOME", "/opt/ippipe")
LAKE = os.environ.get("IPPIPE_LAKE", "hdfs:///ippipe/lake")
INBOX = os.environ.get("IPPIPE_INBOX", "hdfs:///ippipe/inbox")
CONF_FILE = os.environ.get("IPPIPE_CONF_FILE", "/etc/ippipe/ippipe.conf")
GEO_INDEX = os.environ.get("IPPIPE_GEO_INDEX", "/etc/ippipe/geo.idx")
PROBE_JUDGE = os.environ.get("IPPIPE_PROBE_JUDGE", "")
def configured_stages(conf_file):
    """run.stages of the shipped config file, else of the release's conf/ippipe.conf (which
    documents the default): the one list of stages, in pipeline order, not a copy of it here."""
    for path in (conf_file, os.path.join(IPPIPE_HOME, "conf", "ippipe.conf")):
        try:
            with open(path) as f:
                for line in f:
                    key, sep, value = line.partition("=")
                    if sep and key.strip() == "run.stages":
                        return [s.strip() for s in value.split(",") if s.strip()]
        except OSError:
            continue
    raise SystemExit(f"ippipe_daily: no run.stages in {conf_file} or the release's conf/ippipe.conf")


STAGES = configured_stages(CONF_FILE)
NOT_RETRYABLE = {2: "configuration error", 3: "data-quality gate breached"}


def stage_command(stage, ds):
    """The ippipe command line of one stage on one date (before spark-submit's own options)."""
    cmd = [os.path.join(IPPIPE_HOME, "scripts", "submit.sh"), "run", "--date", ds, "--out", LAKE,
           "--stage", stage, "-c", os.path.basename(CONF_FILE),
           "--conf", "geo.index=" + os.path.basename(GEO_INDEX)]
    if PROBE_JUDGE:
        cmd += ["--conf", "probe.judge_url=" + PROBE_JUDGE]
    if stage == "ingest":
        cmd += ["--inventory", f"{INBOX}/dt={ds}/inventory", "--requests", f"{INBOX}/dt={ds}/requests"]
    return cmd


def submit_options():
    """spark-submit options after '--': the files every stage needs, shipped, not inlined."""
    return ["--", "--files", ",".join([CONF_FILE, GEO_INDEX])]


def run_stage(stage, ds, **_):
    from airflow.exceptions import AirflowException, AirflowFailException

    rc = subprocess.call(stage_command(stage, ds) + submit_options(), cwd=IPPIPE_HOME)
    if rc in NOT_RETRYABLE:
        raise AirflowFailException(f"ippipe {stage} {ds}: exit {rc}, {NOT_RETRYABLE[rc]}; not retried")
    if rc != 0:
        raise AirflowException(f"ippipe {stage} {ds}: exit {rc}; will be retried")


try:
    from airflow import DAG
    from airflow.operators.python import PythonOperator
except ImportError:  # CI and --print-commands need no Airflow
    DAG = None

if DAG is not None:
    with DAG(
        dag_id="ippipe_daily",
        start_date=datetime(2026, 11, 1),
        schedule="@daily",
        catchup=False,
        max_active_runs=1,  # score reads the previous date's scores
        default_args={
            "retries": 3,
            "retry_delay": timedelta(minutes=5),
            "retry_exponential_backoff": True,
            "max_retry_delay": timedelta(hours=1),
            # A stage that stops progressing (a decoder looping on a corrupt Parquet page,
            # docs/security.md) fails and alerts instead of holding the night for ever.
            "execution_timeout": timedelta(
                hours=float(os.environ.get("IPPIPE_STAGE_TIMEOUT_HOURS", "6"))),
        },
        tags=["ippipe"],
    ) as dag:
        previous = None
        for name in STAGES:
            task = PythonOperator(task_id=name, python_callable=run_stage,
                                  op_kwargs={"stage": name, "ds": "{{ ds }}"})
            if previous is not None:
                previous >> task
            previous = task

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--print-commands":
        for name in STAGES:
            print(json.dumps(stage_command(name, sys.argv[2])))
    else:
        print("usage: ippipe_daily.py --print-commands YYYY-MM-DD", file=sys.stderr)
        sys.exit(2)
