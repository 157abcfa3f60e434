# shellcheck shell=bash
# scripts/bench/common.sh — sourced by `scripts/fleet bench <name>`: what every benchmark needs
# (load generator, the bench tools' class path, the simulator process, a fleet started and always
# stopped, wrk runs read into numbers). Uses scripts/fleet's helpers (say, info, die, call, jget).

# shellcheck disable=SC2034  # these files are sourced together by scripts/fleet: variables set in one
# (BENCH_DIR, P50, P99, BENCH_FLEET_STARTED) are read in another, which shellcheck cannot follow
BENCH_DIR="$RUN_DIR/bench"
BENCH_MODULE="$ROOT/platform/bench"
BENCH_CP="$BENCH_MODULE/target/fleet-bench-$VERSION.jar:$BENCH_MODULE/target/lib/*"
BENCH_SIM_PORT="${FLEET_BENCH_SIMULATOR_PORT:-18080}"
BENCH_SIM_NEEDLE="dev.fleet.test.OpenAiSimulator --port $BENCH_SIM_PORT"
BENCH_FLEET_STARTED=0
BENCH_APT_UPDATED=0

# bench_need_tool CMD PACKAGE: installs PACKAGE from Debian's archive if CMD is missing
bench_need_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "$1 is missing and this is not root: install it (apt-get install -y $2)"
    sudo="sudo"
  fi
  say "Installing $2 (the load generator) with apt-get"
  if ((BENCH_APT_UPDATED == 0)); then
    $sudo apt-get update -qq || die "apt-get update failed"
    BENCH_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null || die "apt-get install -y $2 failed"
  command -v "$1" >/dev/null 2>&1 || die "$2 is installed but $1 is not on PATH"
  info "$1 installed"
}

# bench_ports_free PORT...: dies if any listens (another engineer's fleet, say); never stops it
bench_ports_free() {
  local p busy=()
  for p in "$@"; do
    port_in_use "$p" && busy+=("$p")
  done
  ((${#busy[@]} == 0)) ||
    die "ports ${busy[*]} are in use (another fleet or simulator runs here?); the benchmark needs them free. Try again when it stops ($PROG down stops ours)."
}

bench_build_tools() {
  say "Building the bench tools (mvn -pl platform/bench -am package)"
  rm -rf "$BENCH_MODULE/target/lib"
  (cd "$ROOT" && mvn -B -q -pl platform/bench -am package -DskipTests) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' ||
    die "building platform/bench failed (Maven output above)"
}

bench_java() {
  java -Xmx256m -XX:+UseSerialGC -Dlogback.configurationFile=bench-logback.xml -cp "$BENCH_CP" "$@"
}

bench_machine() {
  info "date:     $(date -u '+%F %T UTC')"
  info "machine:  $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr)"
  info "software: $(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  bench_load
}

bench_load() {
  info "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) cores; $(pgrep -c java || true) JVMs running on the machine"
}

# bench_simulator_start ARGS...: the OpenAI simulator as its own process on BENCH_SIM_PORT
bench_simulator_start() {
  local log="$LOG_DIR/bench-simulator.log" pid deadline
  mkdir -p "$LOG_DIR" "$PID_DIR"
  say "Starting the OpenAI-compatible simulator on 127.0.0.1:$BENCH_SIM_PORT ($*)"
  : >"$log"
  # shellcheck disable=SC2086
  nohup java -Xmx512m -XX:+UseSerialGC -Dlogback.configurationFile=bench-logback.xml -cp "$BENCH_CP" \
    dev.fleet.test.OpenAiSimulator --port "$BENCH_SIM_PORT" "$@" </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$(pid_file bench-simulator)"
  deadline=$(($(now) + 30))
  until grep -q 'listening on' "$log"; do
    [[ -d "/proc/$pid" ]] || { cat "$log" >&2; die "the simulator exited (log above)"; }
    (($(now) < deadline)) || die "the simulator did not listen within 30 s (log: $log)"
    sleep 0.2
  done
  sed 's/^/    /' "$log"
}

# bench_fleet_up ARGS...: scripts/fleet up (with this shell's environment); remembered for cleanup
bench_fleet_up() {
  BENCH_FLEET_STARTED=1
  # a machine busy with other work starts seven JVMs slowly: more time than up's default
  FLEET_UP_TIMEOUT="${FLEET_UP_TIMEOUT:-360}" "$ROOT/scripts/fleet" up "$@" | sed -u -e 's/^/    | /' -e 's/fa-[0-9a-f]\{8,\}/fa-…/' ||
    die "scripts/fleet up failed (output above)"
}

# bench_cleanup: the EXIT trap — stops the fleet and the simulator this benchmark started
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if ((BENCH_FLEET_STARTED)); then
    say "Stopping the fleet (scripts/fleet down)"
    "$ROOT/scripts/fleet" down 2>&1 | sed 's/^/    | /'
  fi
  stop_many "bench-simulator $BENCH_SIM_NEEDLE"
  exit "$rc"
}

# bench_tenant_key: creates a tenant without limits and a key for it; sets BENCH_KEY
bench_tenant_key() {
  local admin tenant
  admin="$(admin_token)" || die "no admin token (.fleet/admin-token)"
  call POST "$ADMIN_URL/admin/tenants" "$admin" \
    "{\"name\":\"bench $(date -u +%Y%m%dT%H%M%S)-$$\",\"plan\":\"enterprise\",\"limits\":{\"rpm\":0,\"tpm\":0,\"monthly_tokens\":0}}"
  [[ "$STATUS" == 2* ]] || die "creating the bench tenant answered HTTP $STATUS: $RESP"
  tenant="$(jget "$RESP" id)"
  call POST "$ADMIN_URL/admin/tenants/$tenant/keys" "$admin" '{}'
  [[ "$STATUS" == 2* ]] || die "issuing the bench key answered HTTP $STATUS: $RESP"
  BENCH_KEY="$(jget "$RESP" key)"
  [[ -n "$BENCH_KEY" ]] || die "the key response has no key"
  info "tenant $tenant (no rpm/tpm/monthly limits), key issued"
}

# bench_wrk LABEL CONNECTIONS THREADS SECONDS URL [METHOD BODY KEY PORTS]: one wrk run; sets
# W_RPS (successful requests/s), W_P50 and W_P99 (ms), W_ERRORS, W_REQUESTS; logs wrk's own summary
bench_wrk() {
  local label="$1" conns="$2" threads="$3" secs="$4" url="$5" out line
  out="$(BENCH_METHOD="${6:-GET}" BENCH_BODY="${7:-}" BENCH_KEY="${8:-}" BENCH_PORTS="${9:-}" \
    wrk -c "$conns" -t "$threads" -d "${secs}s" --timeout 10s -s "$ROOT/scripts/bench/http.lua" "$url" 2>&1)" ||
    die "wrk failed for $label: $out"
  printf '%s\n' "$out" >>"$BENCH_RAW"
  line="$(grep '^wrk_result ' <<<"$out")" || die "wrk printed no result for $label: $out"
  read -r W_REQUESTS W_RPS W_P50 W_P99 W_ERRORS < <(awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      err = v["err_connect"] + v["err_read"] + v["err_write"] + v["err_status"] + v["err_timeout"]
      ok = v["requests"] - v["err_status"]
      printf "%d %.0f %.2f %.2f %d\n", v["requests"], ok / (v["duration_us"] / 1e6), v["p50_us"] / 1000, v["p99_us"] / 1000, err
    }' <<<"$line")
  printf '    %-38s c=%-3s  %7s req/s  p50 %8s ms  p99 %8s ms  errors %s/%s\n' \
    "$label" "$conns" "$W_RPS" "$W_P50" "$W_P99" "$W_ERRORS" "$W_REQUESTS"
}

# bench_pct NAME LINE: reads p50_ms / p99_ms of a "name count=… p50_ms=… p99_ms=…" line into P50/P99
bench_pct() {
  local line
  line="$(grep "^$1 " <<<"$2")" || die "no '$1' line in: $2"
  P50="$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
  P99="$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
}

# bench_scrape BASE_URL METRIC FILTER: "sum count" of a Prometheus timer over the series whose
# line contains FILTER (e.g. uri="/v1/chat/completions"), from the service's /actuator/prometheus
bench_scrape() {
  curl -s --max-time 5 "$1/actuator/prometheus" | awk -v m="$2" -v f="$3" '
    index($0, m "_sum{") == 1 && index($0, f) { s += $NF }
    index($0, m "_count{") == 1 && index($0, f) { c += $NF }
    END { printf "%.6f %d\n", s, c }'
}

# bench_mean_ms BEFORE AFTER: the mean in ms of the observations between two bench_scrape results
bench_mean_ms() {
  local s1 c1 s2 c2
  read -r s1 c1 <<<"$1"
  read -r s2 c2 <<<"$2"
  if ((c2 > c1)); then calc "($s2 - $s1) * 1000 / ($c2 - $c1)"; else printf 'n/a'; fi
}

calc() { awk "BEGIN { printf \"%.${2:-2}f\", ($1) }"; }
