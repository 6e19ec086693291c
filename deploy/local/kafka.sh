#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) on 127.0.0.1, without Docker.
#
# Usage: deploy/local/kafka.sh start|stop|status|credentials|ensure-jars|perf-producer ARGS...|topics ARGS...
#
# KAFKA_AUTH=sasl (the default) makes the client listener SASL_PLAINTEXT with KRaft's StandardAuthorizer. The services
# connect as the internal principal `airan` (a super user) with PLAIN, its password in the broker's own
# configuration: it never depends on the metadata log (a SCRAM credential bootstrapped at format time was
# seen lost on restart after another user's credential was deleted). Research partners connect with
# SCRAM-SHA-512 credentials the api creates at run time; they get only what ACLs allow, and must
# authenticate again every minute, so a deleted credential ends their open connections too. The
# controller listener takes PLAIN for the broker itself only. Both passwords are generated once per data
# machine and kept under $AIRAN_HOME (mode 600), never in the repo. KAFKA_AUTH=none is a plain PLAINTEXT listener
# without an authorizer (what partner principals cannot be limited on).
#
#   start          start the broker (idempotent: reuses a broker already answering on the port)
#   stop           stop the broker started by this script (SIGTERM, up to 20 s, then SIGKILL)
#   status         print running / not running; exit 0 if running, 1 otherwise
#   credentials    print the internal principal's settings as KAFKA_SASL_* lines (for the services' env;
#                  nothing with KAFKA_AUTH=none)
#   ensure-jars    resolve the Kafka jars with Maven into the cache (no-op when already complete)
#   perf-producer  run org.apache.kafka.tools.ProducerPerformance with the given arguments
#   topics         run org.apache.kafka.tools.TopicCommand with the given arguments
#                  (--bootstrap-server 127.0.0.1:$KAFKA_PORT is added when not given)
#   With KAFKA_AUTH=sasl the tools connect as the internal principal (a client config is added).
#
# Environment:
#   AIRAN_HOME              cache/data root outside the repo (default $HOME/.cache/airan)
#   KAFKA_PORT              client listener port (default 9092)
#   KAFKA_AUTH              sasl (the default: SASL and ACLs) or none (PLAINTEXT)
#   KAFKA_CONTROLLER_PORT   KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_HEAP_OPTS         broker heap (default "-Xms256m -Xmx768m")
#   KAFKA_START_TIMEOUT     seconds to wait for the broker to become ready (default 90)
#   KAFKA_STOP_TIMEOUT      seconds to wait after SIGTERM before SIGKILL (default 20)
#
# Layout (all outside the repo):
#   $AIRAN_HOME/kafka-4.1.1/libs/             jars (marker file: $AIRAN_HOME/kafka-4.1.1/libs.complete)
#   $AIRAN_HOME/kafka-data-<port>/            server.properties, cluster.id, log/ (KRaft metadata + topic data)
#   $AIRAN_HOME/sasl/                         internal.password, controller.password, client.properties
#   $AIRAN_HOME/logs/kafka-<port>.log         broker log (log4j2, rolling 3 x 20 MB)
#   $AIRAN_HOME/logs/kafka-<port>.out         broker JVM stdout/stderr (normally empty)
#   $AIRAN_HOME/logs/kafka-tools.log          log of the CLI tools run through this script
#   $AIRAN_HOME/run/kafka-<port>.pid          pid of the broker started by this script
set -euo pipefail

KAFKA_VERSION=4.1.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"
LOG4J_CONFIG="$SCRIPT_DIR/kafka/log4j2.properties"

AIRAN_HOME="${AIRAN_HOME:-$HOME/.cache/airan}"
PORT="${KAFKA_PORT:-9092}"
AUTH="${KAFKA_AUTH:-sasl}"
CPORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HOST=127.0.0.1
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"

KAFKA_HOME="$AIRAN_HOME/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
LIBS_MARKER="$KAFKA_HOME/libs.complete"
DATA_DIR="$AIRAN_HOME/kafka-data-$PORT"
LOG_DIRS="$DATA_DIR/log"
SERVER_PROPS="$DATA_DIR/server.properties"
CLUSTER_ID_FILE="$DATA_DIR/cluster.id"
LOGS_DIR="$AIRAN_HOME/logs"
LOG_FILE="$LOGS_DIR/kafka-$PORT.log"
OUT_FILE="$LOGS_DIR/kafka-$PORT.out"
TOOLS_LOG_FILE="$LOGS_DIR/kafka-tools.log"
RUN_DIR="$AIRAN_HOME/run"
PID_FILE="$RUN_DIR/kafka-$PORT.pid"
# One internal principal for every local broker of this machine (any port): test clients and services
# started for one broker reach another (a test's own) with the same KAFKA_SASL_* variables.
SASL_DIR="$AIRAN_HOME/sasl"
INTERNAL_USER=airan
INTERNAL_PASSWORD_FILE="$SASL_DIR/internal.password"
CONTROLLER_PASSWORD_FILE="$SASL_DIR/controller.password"
CLIENT_PROPS="$SASL_DIR/client.properties"

log() { echo "[kafka] $*" >&2; }
die() { echo "[kafka] ERROR: $*" >&2; exit 1; }

usage() {
  echo "Usage: $0 start|stop|status|credentials|ensure-jars|perf-producer ARGS...|topics ARGS..." >&2
  exit 2
}

case "$AUTH" in none|sasl) ;; *) die "KAFKA_AUTH must be none or sasl (got '$AUTH')" ;; esac
case "$PORT" in ''|*[!0-9]*) die "KAFKA_PORT must be a number (got '$PORT')" ;; esac
case "$CPORT" in ''|*[!0-9]*) die "KAFKA_CONTROLLER_PORT must be a number (got '$CPORT')" ;; esac
[ "$PORT" != "$CPORT" ] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ ($PORT)"

# ---------------------------------------------------------------------------------------------
# helpers

JAVA=""
require_java() {
  [ -n "$JAVA" ] && return 0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA="$(command -v java)"
  else
    die "Java 17+ is required: apt-get install openjdk-17-jre-headless"
  fi
  local v major
  v="$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)"
  case "$v" in
    1.*) major="$(echo "$v" | cut -d. -f2)" ;;
    *) major="$(echo "$v" | sed 's/[^0-9].*//')" ;;
  esac
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    die "Java 17+ is required (found '${v:-unknown}' at $JAVA): apt-get install openjdk-17-jre-headless"
  fi
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 || die "Maven is required to fetch the Kafka jars: apt-get install maven"
}

port_open() { # port
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1
}

# Pid of the broker started by this script for $PORT, if it is alive (and really our java process).
our_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    case "$cmdline" in *"kafka.Kafka $SERVER_PROPS"*) ;; *) return 1 ;; esac
  fi
  echo "$pid"
}

with_lock() { # lockfile, command...
  local lockfile="$1" lock_fd; shift
  mkdir -p "$(dirname "$lockfile")"
  if command -v flock >/dev/null 2>&1; then
    exec {lock_fd}>"$lockfile"
    flock "$lock_fd"
    "$@"
    local rc=$?
    exec {lock_fd}>&-
    return $rc
  else
    "$@"
  fi
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

libs_complete() {
  [ -f "$LIBS_MARKER" ] || return 1
  [ "$(cat "$LIBS_MARKER" 2>/dev/null)" = "$(pom_hash)" ] || return 1
  local j
  for j in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-tools-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar"; do
    [ -f "$LIBS/$j" ] || return 1
  done
  ls "$LIBS"/log4j-core-*.jar >/dev/null 2>&1 || return 1
}

# ---------------------------------------------------------------------------------------------
# ensure-jars

resolve_jars() {
  libs_complete && return 0
  require_mvn
  local tmp="$KAFKA_HOME/libs.tmp.$$" t0=$SECONDS
  log "resolving Kafka $KAFKA_VERSION jars with Maven into $LIBS (first time only)..."
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Maven 3.8 prints stray ANSI resets even with -q -B: keep its output and show it only on failure.
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$tmp.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$tmp.log" | grep -v '^[[:space:]]*$' >&2 || true
    rm -rf "$tmp" "$tmp.log"
    die "mvn dependency:copy-dependencies failed (see output above)"
  fi
  rm -f "$tmp.log"
  rm -rf "$LIBS" "$LIBS_MARKER"
  mv "$tmp" "$LIBS"
  pom_hash >"$LIBS_MARKER"
  libs_complete || die "jar cache $LIBS is still incomplete after Maven resolution"
  log "jars ready: $(ls "$LIBS" | wc -l) files in $((SECONDS - t0)) s"
}

ensure_jars() {
  libs_complete && return 0
  mkdir -p "$KAFKA_HOME"
  with_lock "$KAFKA_HOME/.lock" resolve_jars
}

# ---------------------------------------------------------------------------------------------
# start

# The two generated passwords (hex, so they need no quoting in JAAS) and the Java tools' client config,
# created once per machine.
ensure_secrets() {
  mkdir -p "$SASL_DIR"
  chmod 700 "$SASL_DIR"
  local f
  for f in "$INTERNAL_PASSWORD_FILE" "$CONTROLLER_PASSWORD_FILE"; do
    # Created once even when two brokers start at the same moment: ln never replaces an existing file.
    [ -s "$f" ] || (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$f.$$" && { ln "$f.$$" "$f" 2>/dev/null || true; } && rm -f "$f.$$")
  done
  (umask 077 && cat >"$CLIENT_PROPS.$$" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$INTERNAL_USER" password="$(cat "$INTERNAL_PASSWORD_FILE")";
EOF
  )
  mv "$CLIENT_PROPS.$$" "$CLIENT_PROPS"
}

listener_properties() {
  if [ "$AUTH" = none ]; then
    cat <<EOF
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return 0
  fi
  local internal controller
  internal="$(cat "$INTERNAL_PASSWORD_FILE")"
  controller="$(cat "$CONTROLLER_PASSWORD_FILE")"
  cat <<EOF
listeners=SASL_PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=SASL_PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$INTERNAL_USER" password="$internal" user_$INTERNAL_USER="$internal";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$controller" user_controller="$controller";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$INTERNAL_USER;User:controller
allow.everyone.if.no.acl.found=false
connections.max.reauth.ms=60000
EOF
}

render_server_properties() {
  cat <<EOF
# Generated by deploy/local/kafka.sh -- do not edit (rewritten on every start).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CPORT
EOF
  listener_properties
  cat <<EOF
log.dirs=$LOG_DIRS
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
log.retention.hours=24
log.segment.bytes=67108864
EOF
}

write_server_properties() {
  mkdir -p "$DATA_DIR" "$LOG_DIRS"
  (umask 077 && render_server_properties >"$SERVER_PROPS.tmp")
  mv "$SERVER_PROPS.tmp" "$SERVER_PROPS"
}

format_storage() {
  if [ -f "$LOG_DIRS/meta.properties" ]; then
    return 0
  fi
  local cid
  if [ -s "$CLUSTER_ID_FILE" ]; then
    cid="$(cat "$CLUSTER_ID_FILE")"
  else
    cid="$(tool_java kafka.tools.StorageTool random-uuid | tail -n1 | tr -d '[:space:]')"
    [ -n "$cid" ] || die "kafka.tools.StorageTool random-uuid returned nothing"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage $LOG_DIRS (cluster id $cid)..."
  tool_java kafka.tools.StorageTool format -t "$cid" -c "$SERVER_PROPS" >&2 \
    || die "storage format failed"
}

print_log_tail() { # [log offset: only show what was logged after it]
  local offset="${1:-0}" size
  size="$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)"
  [ "$size" -ge "$offset" ] || offset=0
  if [ "$size" -gt "$offset" ]; then
    log "last lines of $LOG_FILE:"
    tail -c +"$((offset + 1))" "$LOG_FILE" | tail -n 40 >&2
  fi
  if [ -s "$OUT_FILE" ]; then
    log "last lines of $OUT_FILE:"
    tail -n 20 "$OUT_FILE" >&2
  fi
}

# Wait until the broker process logs "Kafka Server started" (after offset $2 of the log) and the
# client port accepts connections.
wait_ready() { # pid log_offset
  local pid="$1" offset="$2" deadline=$((SECONDS + START_TIMEOUT)) size
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      print_log_tail "$offset"
      die "broker process $pid exited during startup"
    fi
    size="$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)"
    [ "$size" -ge "$offset" ] || offset=0 # log rolled over
    if tail -c +"$((offset + 1))" "$LOG_FILE" 2>/dev/null | grep "Kafka Server started" >/dev/null \
        && port_open "$PORT"; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      print_log_tail "$offset"
      die "broker (pid $pid) not ready on $HOST:$PORT after ${START_TIMEOUT}s; still running -- stop it with: $0 stop"
    fi
    sleep 0.5
  done
}

do_start() {
  local pid t0=$SECONDS
  [ "$AUTH" = none ] || ensure_secrets
  if pid="$(our_pid)" && ! render_server_properties | cmp -s - "$SERVER_PROPS"; then
    log "broker on $HOST:$PORT (pid $pid) runs with other settings than these (KAFKA_AUTH=$AUTH): restarting it"
    do_stop
  fi
  if pid="$(our_pid)"; then
    if port_open "$PORT"; then
      log "broker already running on $HOST:$PORT (pid $pid), reusing it"
      return 0
    fi
    log "broker pid $pid is running but $HOST:$PORT is not answering yet; waiting..."
    wait_ready "$pid" 0
    log "broker ready on $HOST:$PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$PORT"; then
    log "something is already answering on $HOST:$PORT (not started by this script), reusing it"
    return 0
  fi
  if port_open "$CPORT"; then
    die "controller port $HOST:$CPORT is already in use by another process (set KAFKA_CONTROLLER_PORT)"
  fi

  require_java
  ensure_jars
  mkdir -p "$LOGS_DIR" "$RUN_DIR"
  write_server_properties
  format_storage

  local offset
  offset="$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)"
  log "starting Kafka $KAFKA_VERSION broker on $HOST:$PORT (controller $CPORT), data $DATA_DIR, log $LOG_FILE"
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach the broker.
  # The inner bash closes every inherited fd above 2 (our flock fds, pipes of whoever called us),
  # writes its own pid and then execs java, so the pid file holds the JVM's pid.
  # shellcheck disable=SC2016,SC2086
  AIRAN_KAFKA_PID_FILE="$PID_FILE" nohup setsid bash -c '
      for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
      done 2>/dev/null
      echo $$ >"$AIRAN_KAFKA_PID_FILE"
      exec "$@"' airan-kafka \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dairan.kafka.logfile="$LOG_FILE" \
    -cp "$LIBS/*" kafka.Kafka "$SERVER_PROPS" \
    >"$OUT_FILE" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do
    [ -s "$PID_FILE" ] && break
    sleep 0.1
  done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [ -n "$pid" ] || { print_log_tail; die "broker did not start (no pid written)"; }
  wait_ready "$pid" "$offset"
  log "broker ready on $HOST:$PORT (pid $pid) in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# stop / status

do_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$PORT"; then
      log "$HOST:$PORT is answering but was not started by this script (no live pid file); leaving it alone"
    else
      log "not running on $HOST:$PORT"
    fi
    return 0
  fi
  log "stopping broker on $HOST:$PORT (pid $pid)..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE"
  log "stopped"
}

do_status() {
  local pid
  if pid="$(our_pid)"; then
    if port_open "$PORT"; then
      echo "running: Kafka on $HOST:$PORT (pid $pid, data $DATA_DIR, log $LOG_FILE)"
      return 0
    fi
    echo "not running: pid $pid is alive but $HOST:$PORT is not answering (starting or hung; log $LOG_FILE)"
    return 1
  fi
  if port_open "$PORT"; then
    echo "running: something answers on $HOST:$PORT (not started by this script)"
    return 0
  fi
  echo "not running: nothing on $HOST:$PORT"
  return 1
}

# ---------------------------------------------------------------------------------------------
# tools

# Run a Kafka main class from the cached jars with the tools logging config (logs to kafka-tools.log).
tool_java() { # class args...
  require_java
  mkdir -p "$LOGS_DIR"
  # shellcheck disable=SC2086
  "$JAVA" ${KAFKA_TOOLS_HEAP_OPTS:--Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dairan.kafka.logfile="$TOOLS_LOG_FILE" \
    -cp "$LIBS/*" "$@"
}

has_arg() { # name args...
  local name="$1" a
  shift
  for a in "$@"; do
    case "$a" in "$name"|"$name"=*) return 0 ;; esac
  done
  return 1
}

require_credentials() {
  [ -s "$INTERNAL_PASSWORD_FILE" ] || die "no credentials in $SASL_DIR yet: start the broker first ($0 start)"
  ensure_secrets
}

print_credentials() {
  [ "$AUTH" = sasl ] || return 0
  require_credentials
  echo "KAFKA_SASL_MECHANISM=plain"
  echo "KAFKA_SASL_USERNAME=$INTERNAL_USER"
  echo "KAFKA_SASL_PASSWORD=$(cat "$INTERNAL_PASSWORD_FILE")"
}

# ---------------------------------------------------------------------------------------------

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    [ $# -eq 0 ] || usage
    mkdir -p "$RUN_DIR"
    with_lock "$RUN_DIR/kafka-$PORT.lock" do_start
    ;;
  stop)
    [ $# -eq 0 ] || usage
    mkdir -p "$RUN_DIR"
    with_lock "$RUN_DIR/kafka-$PORT.lock" do_stop
    ;;
  status)
    [ $# -eq 0 ] || usage
    do_status
    ;;
  ensure-jars)
    [ $# -eq 0 ] || usage
    require_java
    ensure_jars
    log "jars: $LIBS"
    ;;
  credentials)
    [ $# -eq 0 ] || usage
    print_credentials
    ;;
  perf-producer)
    require_java
    ensure_jars
    if [ "$AUTH" = sasl ]; then
      require_credentials
      has_arg --producer.config "$@" || set -- "$@" --producer.config "$CLIENT_PROPS"
    fi
    tool_java org.apache.kafka.tools.ProducerPerformance "$@"
    ;;
  topics)
    require_java
    ensure_jars
    if [ "$AUTH" = sasl ]; then
      require_credentials
      has_arg --command-config "$@" || set -- "$@" --command-config "$CLIENT_PROPS"
    fi
    has_arg --bootstrap-server "$@" || set -- --bootstrap-server "$HOST:$PORT" "$@"
    tool_java org.apache.kafka.tools.TopicCommand "$@"
    ;;
  *)
    usage
    ;;
esac
