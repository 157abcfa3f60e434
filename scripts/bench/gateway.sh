# shellcheck shell=bash
# scripts/bench/gateway.sh — `scripts/fleet bench gateway`: what the fleet's chat path costs over
# calling the model directly, against what two bare Kafka hops cost on the same broker, and how
# many requests per second one and three gateway replicas serve. See docs/benchmarks.md.

BENCH_P99_BOUND_MS=50
BENCH_SECONDS="${FLEET_BENCH_SECONDS:-5}"          # per load level
BENCH_LATENCY_SECONDS="${FLEET_BENCH_LATENCY_SECONDS:-15}"
BENCH_STREAMS="${FLEET_BENCH_STREAMS:-10}"
BENCH_STREAM_RATE=50                                  # tokens/s of the paced model: a 20 ms gap
BENCH_STREAM_TOKENS=50
BENCH_CHAT='{"model":"sim-fast","max_tokens":32,"messages":[{"role":"user","content":"Say hello in one short sentence."}]}'

# bench_sweep LABEL PORTS: closed-loop load at rising concurrency on the gateway PORTS (comma-
# separated, connections spread evenly) until p99 is past the bound and throughput stopped growing
# (two levels in a row under 1.05 x the best);
# sets SW_OK_RPS/SW_OK_C/SW_OK_P99 (best level with p99 <= bound; empty if none) and
# SW_BEST_RPS/SW_BEST_C/SW_BEST_P99 (best level overall)
bench_sweep() {
  local label="$1" ports="$2" n m c threads flat=0
  n="$(tr ',' '\n' <<<"$ports" | wc -l)"
  SW_OK_RPS="" SW_OK_C="" SW_OK_P99="" SW_BEST_RPS=0 SW_BEST_C="" SW_BEST_P99=""
  for m in 1 2 4 8 16 32 64; do
    c=$((m * n)) # each replica gets the same share: one wrk thread per port
    threads=$n
    ((n == 1 && c >= 2)) && threads=2
    bench_wrk "$label" "$c" "$threads" "$BENCH_SECONDS" "http://127.0.0.1:${ports%%,*}/v1/chat/completions" \
      POST "$BENCH_CHAT" "$BENCH_KEY" "$ports"
    if ((W_ERRORS * 100 > W_REQUESTS)); then
      info "(more than 1% errors at c=$c: stopping here)"
      break
    fi
    if (($(calc "$W_P99 <= $BENCH_P99_BOUND_MS" 0))) && ((W_RPS > ${SW_OK_RPS:-0})); then
      SW_OK_RPS=$W_RPS SW_OK_C=$c SW_OK_P99=$W_P99
    fi
    # past the bound and, twice in a row, not 5% faster than the best so far: more clients only queue
    if (($(calc "$W_P99 > $BENCH_P99_BOUND_MS" 0))) && ((W_RPS * 100 < SW_BEST_RPS * 105)); then
      flat=$((flat + 1))
    else
      flat=0
    fi
    if ((W_RPS > SW_BEST_RPS)); then
      SW_BEST_RPS=$W_RPS SW_BEST_C=$c SW_BEST_P99=$W_P99
    fi
    ((flat < 2)) || break
  done
}

bench_sweep_summary() {
  if [[ -n "$SW_OK_RPS" ]]; then
    printf '%s req/s (c=%s, p99 %s ms)' "$SW_OK_RPS" "$SW_OK_C" "$SW_OK_P99"
  else
    printf 'none at p99 <= %s ms; best %s req/s (c=%s, p99 %s ms)' "$BENCH_P99_BOUND_MS" "$SW_BEST_RPS" \
      "$SW_BEST_C" "$SW_BEST_P99"
  fi
}

bench_gateway() {
  (($# == 0)) || die "usage: $PROG bench gateway   (knobs: FLEET_BENCH_SECONDS, FLEET_BENCH_LATENCY_SECONDS, FLEET_BENCH_STREAMS)"
  need_java
  need_mvn
  need_cmd curl "install curl (apt-get install -y curl)"
  need_cmd python3 "the benchmark reads JSON with python3"
  mkdir -p "$BENCH_DIR" "$LOG_DIR" "$PID_DIR"
  BENCH_RAW="$BENCH_DIR/gateway-$(date -u +%Y%m%dT%H%M%SZ).wrk.txt"
  : >"$BENCH_RAW"
  local t0 sim="http://127.0.0.1:$BENCH_SIM_PORT"
  t0="$(now)"

  say "Benchmark: gateway (scripts/fleet bench gateway)"
  bench_need_tool wrk wrk
  bench_ports_free 8080 8081 8082 8083 8084 8085 8086 8087 8088 8089 8090 9092 "$BENCH_SIM_PORT"
  bench_machine
  bench_build_tools
  trap bench_cleanup EXIT INT TERM

  bench_simulator_start --model sim-fast \
    --for-model "sim-paced:tokens-per-second=$BENCH_STREAM_RATE,answer-tokens=$BENCH_STREAM_TOKENS"
  say "Starting the fleet with the simulator as its OpenAI-compatible model"
  FLEET_OPENAI_BASE_URL="$sim" FLEET_OPENAI_MODELS="sim-fast,sim-paced" FLEET_OPENAI_API_KEY="bench" \
    bench_fleet_up
  bench_tenant_key

  say "1. Non-streaming chat, one client at a time (latency)"
  bench_wrk "warm-up: direct" 4 2 3 "$sim/v1/chat/completions" POST "$BENCH_CHAT" >/dev/null
  bench_wrk "direct to the simulator" 1 1 "$BENCH_LATENCY_SECONDS" "$sim/v1/chat/completions" POST "$BENCH_CHAT"
  local direct_p50=$W_P50 direct_p99=$W_P99
  bench_wrk "warm-up: fleet" 4 2 5 "http://127.0.0.1:8080/v1/chat/completions" POST "$BENCH_CHAT" "$BENCH_KEY" >/dev/null
  local gw0 model0 http0 gw1 model1 http1
  gw0="$(bench_scrape http://127.0.0.1:8080 http_server_requests_seconds 'uri="/v1/chat/completions"')"
  model0="$(bench_scrape "$ADMIN_URL" gen_ai_client_operation_seconds 'gen_ai_request_model="sim-fast"')"
  http0="$(bench_scrape "$ADMIN_URL" http_client_requests_seconds 'uri="/v1/chat/completions"')"
  bench_wrk "through the fleet (1 gateway)" 1 1 "$BENCH_LATENCY_SECONDS" "http://127.0.0.1:8080/v1/chat/completions" \
    POST "$BENCH_CHAT" "$BENCH_KEY"
  local fleet_p50=$W_P50 fleet_p99=$W_P99
  gw1="$(bench_scrape http://127.0.0.1:8080 http_server_requests_seconds 'uri="/v1/chat/completions"')"
  model1="$(bench_scrape "$ADMIN_URL" gen_ai_client_operation_seconds 'gen_ai_request_model="sim-fast"')"
  http1="$(bench_scrape "$ADMIN_URL" http_client_requests_seconds 'uri="/v1/chat/completions"')"
  local mean_gw mean_model mean_http
  mean_gw="$(bench_mean_ms "$gw0" "$gw1")" mean_model="$(bench_mean_ms "$model0" "$model1")"
  mean_http="$(bench_mean_ms "$http0" "$http1")"
  info "where the time goes (means over the same requests, from the services' own timers):"
  info "  gateway, request in to response out (http_server_requests):          $mean_gw ms"
  info "  orchestrator, the model call through Spring AI (gen_ai_client_operation): $mean_model ms"
  info "  orchestrator, its HTTP exchange with the simulator (http_client_requests): $mean_http ms"

  say "2. Bare Kafka ping-pong on the same broker (produce, consume, produce, consume; acks=all, linger.ms 0)"
  local pp
  pp="$(bench_java dev.fleet.bench.KafkaPingPong --bootstrap 127.0.0.1:9092 --count 2000 --warmup 200)" ||
    die "the Kafka ping-pong failed"
  info "$pp"
  bench_pct pingpong "$pp"
  local ping_p50=$P50 ping_p99=$P99
  pp="$(bench_java dev.fleet.bench.KafkaPingPong --bootstrap 127.0.0.1:9092 --count 1000 --warmup 100 \
    --linger-ms 5)" || die "the Kafka ping-pong (linger.ms 5) failed"
  info "with the fleet's producer setting linger.ms 5: $pp"
  bench_pct pingpong "$pp"
  local ping5_p50=$P50 ping5_p99=$P99

  say "3. Streams: gaps between chunks, the simulator pacing $BENCH_STREAM_TOKENS tokens at $BENCH_STREAM_RATE/s"
  local gd gf
  gd="$(bench_java dev.fleet.bench.StreamGapProbe --url "$sim" --model sim-paced --streams "$BENCH_STREAMS" \
    --label direct)" || die "streaming from the simulator failed"
  info "${gd//$'\n'/$'\n'    }"
  gf="$(FLEET_BENCH_KEY="$BENCH_KEY" bench_java dev.fleet.bench.StreamGapProbe --url http://127.0.0.1:8080 \
    --model sim-paced --streams "$BENCH_STREAMS" --label fleet)" || die "streaming through the fleet failed"
  info "${gf//$'\n'/$'\n'    }"
  bench_pct gap_direct "$gd"
  local gap_direct_p50=$P50 gap_direct_p99=$P99
  bench_pct gap_fleet "$gf"
  local gap_fleet_p50=$P50 gap_fleet_p99=$P99 failed_streams
  failed_streams="$(sed -n 's/^failed_fleet count=\([0-9]*\) of=\([0-9]*\).*/\1 of \2/p' <<<"$gf")"

  say "4. Reference throughputs (16 clients)"
  bench_wrk "direct to the simulator" 16 2 "$BENCH_SECONDS" "$sim/v1/chat/completions" POST "$BENCH_CHAT"
  local direct_rps=$W_RPS direct_rps_p99=$W_P99
  bench_wrk "GET /v1/models (authentication only)" 16 2 "$BENCH_SECONDS" "http://127.0.0.1:8080/v1/models" \
    GET "" "$BENCH_KEY"
  local models_rps=$W_RPS models_p99=$W_P99

  say "5. Non-streaming chat through 1 gateway at rising concurrency (p99 bound $BENCH_P99_BOUND_MS ms)"
  bench_sweep "fleet, 1 gateway" 8080
  local one
  one="$(bench_sweep_summary)"

  say "6. Three gateway replicas (scripts/fleet scale gateway=3), load spread over their ports"
  FLEET_UP_TIMEOUT="${FLEET_UP_TIMEOUT:-360}" "$ROOT/scripts/fleet" scale gateway=3 | sed -u 's/^/    | /' || die "scaling the gateway to 3 failed"
  local ports="8080" i
  for i in 2 3; do
    ports+=",$(replica_port "gateway-$i")"
  done
  info "gateway ports: $ports"
  bench_wrk "warm-up: 3 gateways" 6 3 5 "http://127.0.0.1:8080/v1/chat/completions" POST "$BENCH_CHAT" \
    "$BENCH_KEY" "$ports" >/dev/null
  bench_sweep "fleet, 3 gateways" "$ports"
  local three
  three="$(bench_sweep_summary)"
  bench_load

  local over50 over99
  over50="$(calc "$fleet_p50 - $direct_p50")" over99="$(calc "$fleet_p99 - $direct_p99")"
  echo
  say "${B}Result: scripts/fleet bench gateway${RST} ($(date -u '+%F %H:%M UTC'), $(nproc) cores, took $(($(now) - t0)) s)"
  printf '    %-58s %12s %12s\n' "" "p50" "p99"
  printf '    %-58s %9s ms %9s ms\n' "chat (non-streaming, 1 client) direct to the simulator" "$direct_p50" "$direct_p99"
  printf '    %-58s %9s ms %9s ms\n' "chat (non-streaming, 1 client) through the fleet" "$fleet_p50" "$fleet_p99"
  printf '    %-58s %s\n' "  of which (means): in the gateway; the model call" \
    "$mean_gw ms; $mean_model ms (its HTTP exchange $mean_http ms)"
  printf '    %-58s %9s ms %9s ms\n' "Kafka ping-pong (2 hops) on the same broker" "$ping_p50" "$ping_p99"
  printf '    %-58s %9s ms %9s ms\n' "  (the same with the fleet's linger.ms 5)" "$ping5_p50" "$ping5_p99"
  printf '    %-58s %12s %12s\n' "ratio (fleet - direct) / ping-pong  [target <= 1.3]" \
    "$(calc "$over50 / $ping_p50")" "$(calc "$over99 / $ping_p99")"
  printf '    %-58s %9s ms %9s ms\n' "stream inter-chunk gap, direct (nominal $((1000 / BENCH_STREAM_RATE)) ms)" "$gap_direct_p50" "$gap_direct_p99"
  printf '    %-58s %9s ms %9s ms\n' "stream inter-chunk gap, through the fleet ($failed_streams failed)" "$gap_fleet_p50" "$gap_fleet_p99"
  printf '    %-58s %9s ms %9s ms\n' "added inter-chunk gap  [target p99 <= 1 ms]" \
    "$(calc "$gap_fleet_p50 - $gap_direct_p50")" "$(calc "$gap_fleet_p99 - $gap_direct_p99")"
  echo
  printf '    %-58s %s\n' "requests/s at p99 <= $BENCH_P99_BOUND_MS ms, 1 gateway  [target >= 2,000]" "$one"
  printf '    %-58s %s\n' "requests/s at p99 <= $BENCH_P99_BOUND_MS ms, 3 gateways" "$three"
  printf '    %-58s %s\n' "reference: direct to the simulator, 16 clients" "$direct_rps req/s (p99 $direct_rps_p99 ms)"
  printf '    %-58s %s\n' "reference: GET /v1/models through 1 gateway, 16 clients" "$models_rps req/s (p99 $models_p99 ms)"
  info "(wrk's own summaries: ${BENCH_RAW#"$ROOT"/})"
}
