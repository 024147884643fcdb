-- wrk script for benchmark (e): POST /api/v1/actions/{id}/updates as fast as the server
-- acknowledges them. Environment: BENCH_TOKEN (a Bearer token), BENCH_ACTION_MAX (action ids
-- are drawn from 1..N), BENCH_TAG (the note every update carries, to count them afterwards).
-- Counts the 2xx answers per thread; `done` prints "acknowledged N" and "refused N".

local token = os.getenv("BENCH_TOKEN") or ""
local action_max = tonumber(os.getenv("BENCH_ACTION_MAX") or "100")
local tag = os.getenv("BENCH_TAG") or "bench"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  acknowledged = 0
  refused = 0
  math.randomseed(os.time() * 1000 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = '{"status":"on_track","percent_complete":50,"note":"' .. tag .. '"}'
end

function request()
  local action = math.random(1, action_max)
  return wrk.format(nil, "/api/v1/actions/" .. action .. "/updates")
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    acknowledged = acknowledged + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("acknowledged")
    bad = bad + thread:get("refused")
  end
  io.write("acknowledged " .. ok .. "\n")
  io.write("refused " .. bad .. "\n")
end
