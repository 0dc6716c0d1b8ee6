#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the Spark jars in the Maven repository (no Spark distribution
# needed), and the application jar submitted to it as a cluster user would (docs/spark.md#a-cluster):
#   spark/cluster-test.sh [PROGRAM DATA]      (default: examples/spark/lr.ppl examples/spark/rows.csv)
# It builds ppl4j-spark-VERSION-all.jar if it is missing (mvn -Pspark-all), lays out a SPARK_HOME whose jars/ are
# spark-sql_2.13 and its dependencies, starts a Master and a Worker (separate JVMs, bound to 127.0.0.1), and submits
# the program three times with org.apache.spark.deploy.SparkSubmit: --master local[2] (the data in Spark's own
# partitions), --master spark://... --deploy-mode client (--partitions 2) and --deploy-mode cluster (--partitions 3).
# The parameters printed must be the same bits (Double.toString round-trips) in the three runs; exit 0 if they are,
# 1 if not, 2 if a run failed. Logs under $PPL_CLUSTER_DIR (default target/spark-cluster), left there for a look
# after a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
program="$(realpath "${1:-examples/spark/lr.ppl}")"
data="$(realpath "${2:-examples/spark/rows.csv}")"
version=0.1.0-SNAPSHOT
spark_version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' spark/pom.xml)"
jar="$root/spark/target/ppl4j-spark-$version-all.jar"
dir="$(realpath -m "${PPL_CLUSTER_DIR:-$root/target/spark-cluster}")"
home="$dir/spark-home"
mkdir -p "$dir"

if [ ! -f "$jar" ]; then
  echo "building $jar" >&2
  mvn -B -q -o install -pl spark -am -Pspark-all -DskipTests >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 2; }
fi

# SPARK_HOME/jars: what a Spark distribution puts there for SQL (the Worker starts executors and drivers with
# SPARK_HOME/jars/* on their class path)
if [ ! -f "$home/jars/spark-sql_2.13-$spark_version.jar" ]; then
  mkdir -p "$home/jars" "$dir/pom"
  cat >"$dir/pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>org.ppl4j.cluster</groupId><artifactId>spark-home</artifactId><version>1</version>
  <dependencies><dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId>
    <version>$spark_version</version></dependency></dependencies></project>
EOF
  mvn -B -q -o -f "$dir/pom/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$home/jars" >"$dir/jars.log" 2>&1 || { cat "$dir/jars.log" >&2; exit 2; }
fi
# every JVM (master, worker, driver, executors) binds to and advertises 127.0.0.1
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
# ppl4j's own JVM settings (deep Truffle stacks; Truffle's interpreter-only warning off: no Graal compiler here)
ppl_opts="-Xss16m -Dpolyglot.engine.WarnInterpreterOnly=false -Dpolyglot.ppl.WarnInterpreted=false"
log4j="-Dlog4j2.configurationFile=file:$root/spark/launcher-log4j2.properties"
sparkcp="$home/jars/*"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# shellcheck disable=SC2086
java $opens -Xmx512m -cp "$sparkcp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 \
  --webui-port 0 >"$dir/master.log" 2>&1 &
pids+=($!)
master=""
for _ in $(seq 120); do
  master="$(grep -o 'spark://127.0.0.1:[0-9]*' "$dir/master.log" | head -1 || true)"
  [ -n "$master" ] && break
  sleep 1
done
[ -n "$master" ] || { echo "the master did not start: $dir/master.log" >&2; exit 2; }
rm -rf "$dir/work"
# shellcheck disable=SC2086
java $opens -Xmx512m -cp "$sparkcp" org.apache.spark.deploy.worker.Worker "$master" --host 127.0.0.1 --port 0 \
  --webui-port 0 --cores 2 --memory 3g --work-dir "$dir/work" >"$dir/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  grep -q 'Successfully registered with master' "$dir/worker.log" && break
  sleep 1
done
grep -q 'Successfully registered with master' "$dir/worker.log" || { echo "the worker did not register: $dir/worker.log" >&2; exit 2; }
echo "cluster: $master (master.log, worker.log in $dir)" >&2

# submit MASTER MODE PARTITIONS OUT: SparkSubmit as spark-submit runs it; the parameters to OUT
submit() {
  local m="$1" mode="$2" partitions="$3" out="$4"
  # shellcheck disable=SC2086
  java $opens $ppl_opts $log4j -Xmx1g -cp "$sparkcp" org.apache.spark.deploy.SparkSubmit \
    --master "$m" --deploy-mode "$mode" --class org.ppl4j.spark.Main \
    --conf spark.ui.enabled=false --conf spark.executor.memory=1g --conf spark.driver.memory=1g \
    --conf "spark.driver.extraJavaOptions=$opens $ppl_opts $log4j" \
    --conf "spark.executor.extraJavaOptions=$ppl_opts $log4j" \
    --conf spark.standalone.submit.waitAppCompletion=true \
    "$jar" "$program" --data "$data" --partitions "$partitions" >"$dir/$out.out" 2>"$dir/$out.err"
}
status=0
# the data in Spark's own partitions (one for a small file), then in 2 and in 3: the same bits by the determinism rule
declare -A runs=([local]="local[2] client 0" [client]="$master client 2" [cluster]="$master cluster 3")
for run in local client cluster; do
  read -r m mode partitions <<<"${runs[$run]}"
  start=$(date +%s)
  if ! submit "$m" "$mode" "$partitions" "$run"; then
    echo "$run: spark-submit failed: $dir/$run.err" >&2
    tail -20 "$dir/$run.err" >&2
    status=2
    continue
  fi
  if [ "$mode" = cluster ]; then
    # the driver ran in the worker: its output is the driver's stdout in the worker's directory
    cp "$(ls -d "$dir"/work/driver-*/ | tail -1)stdout" "$dir/$run.out"
  fi
  grep ' = ' "$dir/$run.out" >"$dir/$run.params" || true
  echo "$run ($m, $mode, --partitions $partitions): $(($(date +%s) - start)) s, $(wc -l <"$dir/$run.params")" \
    "parameters" >&2
done
[ "$status" = 0 ] || exit "$status"
[ -s "$dir/local.params" ] || { echo "no parameters printed: $dir/local.out" >&2; exit 2; }
cat "$dir/local.params"
for run in client cluster; do
  if cmp -s "$dir/local.params" "$dir/$run.params"; then
    echo "$run: the same bits as local[2]" >&2
  else
    echo "$run: differs from local[2]:" >&2
    diff "$dir/local.params" "$dir/$run.params" >&2 || true
    status=1
  fi
done
exit "$status"
