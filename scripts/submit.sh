#!/usr/bin/env bash
# Submits an ippipe job to a real cluster through spark-submit.
#   scripts/submit.sh JOB [job options] [-- spark-submit options]
#   scripts/submit.sh ingest --date 2026-11-25 --out hdfs:///lake --requests hdfs:///raw/logs \
#       -- --master spark://master:7077 --deploy-mode cluster --executor-memory 4g
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else spark-submit on the PATH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ippipe_build_if_missing
job_args=()
spark_args=()
seen_sep=0
for a in "$@"; do
  if [[ $seen_sep == 0 && "$a" == "--" ]]; then seen_sep=1; continue; fi
  if [[ $seen_sep == 1 ]]; then spark_args+=("$a"); else job_args+=("$a"); fi
done
submit="spark-submit"
[[ -n "${SPARK_HOME:-}" ]] && submit="$SPARK_HOME/bin/spark-submit"
opens="${JAVA17_OPENS[*]}"
exec "$submit" --class io.ippipe.jobs.cli.IppipeCli \
  --conf "spark.driver.extraJavaOptions=$opens" \
  --conf "spark.executor.extraJavaOptions=$opens" \
  "${spark_args[@]}" "$APP_JAR" "${job_args[@]}"
