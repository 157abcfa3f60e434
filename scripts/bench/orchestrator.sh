# shellcheck shell=bash
# scripts/bench/orchestrator.sh — `scripts/fleet bench orchestrator`: 1,000 concurrent chat streams
# through one orchestrator against the OpenAI simulator answering after 500 ms (time to first
# token); prints completions/s ÷ (concurrency ÷ one stream's latency) [target >= 0.95], the p99
# latency the orchestrator adds over calling the model directly at the same concurrency, and the
# orchestrator's heap before and after. Starts a broker, the orchestrator jar (no gateway: a driver
# publishes ChatRequested and reads fleet.chat.replies.v1 itself) and the simulator; stops them.
# See docs/benchmarks.md.

# shellcheck disable=SC2034  # these files are sourced together by scripts/fleet: variables set in one
# (BENCH_DIR, P50, P99, BENCH_FLEET_STARTED) are read in another, which shellcheck cannot follow
BENCH_ORCH_CONCURRENCY="${FLEET_BENCH_CONCURRENCY:-1000}"
BENCH_ORCH_SECONDS="${FLEET_BENCH_SECONDS:-30}"
BENCH_ORCH_WARMUP="${FLEET_BENCH_WARMUP_SECONDS:-60}"
BENCH_ORCH_TTFT=500ms
BENCH_ORCH_DB_POOL="${FLEET_BENCH_DB_POOL:-50}"

# bench_chats_idle: waits (up to 120 s) until the orchestrator runs and queues no chat — requests left
# on the topic by an earlier, interrupted run are answered (or skipped) before the measurement
bench_chats_idle() {
  local deadline busy
  deadline=$(($(now) + 120))
  while :; do
    busy="$(curl -s --max-time 5 "$ADMIN_URL/actuator/prometheus" |
      awk '/^fleet_orchestrator_chats_(in_flight|queued)/ { s += $NF } END { printf "%d", s }')"
    [[ "$busy" == "0" ]] && return 0
    (($(now) < deadline)) || { warn "the orchestrator still has $busy chats in flight or queued"; return 0; }
    sleep 2
  done
}

# bench_heap_mb: the orchestrator's used heap (all heap pools) in MiB, from /actuator/prometheus
bench_heap_mb() {
  curl -s --max-time 5 "http://127.0.0.1:${PORT[orchestrator]}/actuator/prometheus" |
    awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ { s += $NF } END { printf "%.1f", s / 1048576 }'
}

# bench_dead_letters: the records the orchestrator has dead-lettered since it started
bench_dead_letters() {
  curl -s --max-time 5 "$ADMIN_URL/actuator/prometheus" |
    awk '/^fleet_dlq_records_total\{/ { s += $NF } END { printf "%d", s }'
}

# bench_gc PID: a full GC in that JVM (so "heap" means what is retained)
bench_gc() {
  jcmd "$1" GC.run >/dev/null 2>&1 || warn "jcmd $1 GC.run failed; heap figures include garbage"
  sleep 1
}

bench_orchestrator() {
  (($# == 0)) || die "usage: $PROG bench orchestrator   (knobs: FLEET_BENCH_CONCURRENCY [1000], FLEET_BENCH_SECONDS [30], FLEET_BENCH_WARMUP_SECONDS [60], FLEET_BENCH_DB_POOL [50])"
  need_java
  need_mvn
  need_cmd curl "install curl (apt-get install -y curl)"
  need_cmd jcmd "jcmd comes with the JDK"
  mkdir -p "$BENCH_DIR" "$LOG_DIR" "$PID_DIR"
  local t0 c="$BENCH_ORCH_CONCURRENCY" out pid
  t0="$(now)"

  say "Benchmark: orchestrator (scripts/fleet bench orchestrator)"
  bench_ports_free "${PORT[orchestrator]}" 9092 "$BENCH_SIM_PORT"
  info "date:     $(date -u '+%F %T UTC')"
  info "machine:  $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr); $(java -version 2>&1 | head -1)"
  bench_load
  say "PostgreSQL ($FLEET_POSTGRES_URL)"
  ensure_postgres
  ensure_database "$PG_DB"
  say "Building the orchestrator jar (mvn -pl services/orchestrator -am package -DskipTests)"
  (cd "$ROOT" && mvn -B -q -pl services/orchestrator -am package -DskipTests) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' ||
    die "building the orchestrator failed (Maven output above)"
  bench_build_tools
  trap bench_cleanup EXIT INT TERM

  bench_simulator_start --ttft "$BENCH_ORCH_TTFT" --model sim-model
  say "Kafka ($KAFKA_BOOTSTRAP_SERVERS)"
  BENCH_FLEET_STARTED=1 # from here on, cleanup runs scripts/fleet down (the orchestrator and the broker)
  broker_up
  ensure_admin_token
  say "Starting the orchestrator alone (FLEET_CHAT_MAX_IN_FLIGHT and _MAX_QUEUED set to $c; their defaults are 1000)"
  # per tenant: the driver spreads its clients over 100 tenants, 10 each, under the default 250
  # and its R2DBC pool (Spring Boot's default: 10 connections) raised to $BENCH_ORCH_DB_POOL: each chat makes
  # four round trips to PostgreSQL (answered?, history, remember, mark), and 10 connections queued
  # 1,000 chats for minutes in the first run
  info "R2DBC pool: SPRING_R2DBC_POOL_MAX_SIZE=$BENCH_ORCH_DB_POOL (FLEET_BENCH_DB_POOL; Spring Boot's default is 10)"
  export FLEET_OPENAI_BASE_URL="http://127.0.0.1:$BENCH_SIM_PORT" FLEET_OPENAI_MODELS=sim-model \
    FLEET_CHAT_MAX_IN_FLIGHT="$c" FLEET_CHAT_MAX_QUEUED="$c" SPRING_R2DBC_POOL_MAX_SIZE="$BENCH_ORCH_DB_POOL"
  start_replica orchestrator 1
  wait_ready "$(now)" orchestrator
  pid="$(replica_pid orchestrator)" || die "the orchestrator is not running"
  bench_chats_idle

  bench_gc "$pid"
  local heap_before heap_after heap_after_gc model0 model1 dead_letters
  heap_before="$(bench_heap_mb)"
  model0="$(bench_scrape "$ADMIN_URL" gen_ai_client_operation_seconds 'gen_ai_request_model="sim-model"')"
  dead_letters="$(bench_dead_letters)" # requests an earlier run left on the topic may have been dead-lettered
  say "Driving $c closed-loop clients: direct to the simulator, then through the orchestrator ($BENCH_ORCH_WARMUP s warm-up + $BENCH_ORCH_SECONDS s each)"
  out="$(bench_java dev.fleet.bench.OrchestratorLoad --bootstrap 127.0.0.1:9092 \
    --simulator "http://127.0.0.1:$BENCH_SIM_PORT" --model sim-model --concurrency "$c" \
    --seconds "$BENCH_ORCH_SECONDS" --warmup-seconds "$BENCH_ORCH_WARMUP" --cpu-pid "$pid")" || die "the load driver failed: $out"
  heap_after="$(bench_heap_mb)"
  model1="$(bench_scrape "$ADMIN_URL" gen_ai_client_operation_seconds 'gen_ai_request_model="sim-model"')"
  curl -s --max-time 5 "$ADMIN_URL/actuator/prometheus" | grep -E '^(gen_ai_client_operation|fleet_orchestrator_chats|fleet_dlq)' \
    >"$BENCH_DIR/orchestrator-metrics.txt" || true
  # a chat that fails after its answer (e.g. its settlement) is run again, then dead-lettered: the client saw an
  # answer, so the driver counts no error, but the run measured every chat several times over
  dead_letters=$(($(bench_dead_letters) - dead_letters))
  bench_gc "$pid"
  heap_after_gc="$(bench_heap_mb)"
  info "${out//$'\n'/$'\n'    }"
  bench_load

  local one direct_p50 direct_p99 orch_p50 orch_p99 line
  bench_pct direct_one "$out"
  one=$P50
  bench_pct direct "$out"
  direct_p50=$P50 direct_p99=$P99
  bench_pct orchestrated "$out"
  orch_p50=$P50 orch_p99=$P99
  line="$(grep '^throughput ' <<<"$out")" || die "no throughput line in: $out"
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }

  echo
  say "${B}Result: scripts/fleet bench orchestrator${RST} ($(date -u '+%F %H:%M UTC'), $(nproc) cores, took $(($(now) - t0)) s)"
  printf '    %-62s %s\n' "concurrent streams; model time to first token" "$c; $BENCH_ORCH_TTFT (answer: 4 tokens, 5 chunks)"
  printf '    %-62s %s ms\n' "one stream alone, direct (p50)" "$one"
  printf '    %-62s %s/s\n' "ideal: concurrency ÷ one stream's latency" "$(val ideal_per_s)"
  printf '    %-62s %s/s  (ratio %s, %s errors)\n' "direct to the simulator, $c clients" "$(val direct_per_s)" \
    "$(val direct_ratio)" "$(val direct_errors)"
  printf '    %-62s %s/s  (%s errors)\n' "through the orchestrator, $c clients" "$(val orchestrated_per_s)" "$(val errors)"
  printf '    %-62s %s\n' "completions/s ÷ (concurrency ÷ latency)  [target >= 0.95]" "$(val ratio)"
  printf '    %-62s %s\n' "records the orchestrator dead-lettered (should be 0)" "$dead_letters"
  printf '    %-62s %9s ms %9s ms\n' "latency p50 / p99, direct ($c clients)" "$direct_p50" "$direct_p99"
  printf '    %-62s %9s ms %9s ms\n' "latency p50 / p99, through the orchestrator" "$orch_p50" "$orch_p99"
  printf '    %-62s %9s ms %9s ms\n' "added latency (orchestrator - direct)" "$(calc "$orch_p50 - $direct_p50")" \
    "$(calc "$orch_p99 - $direct_p99")"
  printf '    %-62s %s ms\n' "  of which the model call inside the orchestrator (mean)" "$(bench_mean_ms "$model0" "$model1")"
  line="$(grep '^orchestrator_cpu ' <<<"$out")" &&
    # CPU per answered chat in the measured window does not depend on what else runs on the machine
    # (throughput does): the orchestrator's own cost, what its throughput on N free cores is bounded by
    printf '    %-62s %s ms  (%s cores busy)\n' "orchestrator CPU per chat (measured window)" \
      "$(val ms_per_completion)" "$(val cores_used)"
  printf '    %-62s %s MiB; %s MiB; %s MiB (max %s)\n' "orchestrator heap: before (after GC); after; after GC" \
    "$heap_before" "$heap_after" "$heap_after_gc" "$SERVICE_HEAP"
  ((dead_letters == 0)) || warn "the orchestrator dead-lettered $dead_letters records during the run: its log says why; a chat that fails after its answer is run again before it is dead-lettered, so these figures count such chats several times"
}
