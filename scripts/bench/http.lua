-- wrk script of scripts/fleet bench: one request (method, body, headers from the environment),
-- connections spread over several ports (one per thread, round robin), and one machine-readable
-- result line. Environment:
--   BENCH_METHOD  GET or POST                         [GET]
--   BENCH_BODY    request body (JSON)                 [none]
--   BENCH_KEY     bearer token                        [none]
--   BENCH_PORTS   comma-separated loopback ports      [the URL's port]
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local key = os.getenv("BENCH_KEY")
local ports = os.getenv("BENCH_PORTS")

wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

local addrs = nil
local next_thread = 0

function setup(thread)
  if ports and ports ~= "" then
    if not addrs then
      addrs = {}
      for port in string.gmatch(ports, "[^,]+") do
        for _, addr in ipairs(wrk.lookup("127.0.0.1", port)) do
          table.insert(addrs, addr)
          break
        end
      end
    end
    thread.addr = addrs[(next_thread % #addrs) + 1]
    next_thread = next_thread + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk_result requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
