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
  if [[ ! -f "$APP_JAR" || ! -f "$SPARK_CP_FILE" ]]; then
    echo "ippipe: building the application jar (first run)..." >&2
    # One reactor run: jobs is built after common, so its classpath file is the one that stays.
    (cd "$IPPIPE_HOME" && mvn -B -q -DskipTests package dependency:build-classpath \
           -pl common,jobs -Dmdep.includeScope=provided -Dmdep.outputFile="$SPARK_CP_FILE" >&2) \
      || { echo "ippipe: build failed" >&2; exit 1; }
  fi
}
