-- wrk script: the load is viewers behind Cloudflare. Every request carries one viewer's address in
-- CF-Connecting-IP and that viewer's channel and token (one line of the tokens file, the query the
-- edge's rewrite hands on), and each connection waits `pause` ms
-- between requests, like a player. wrk does not say which connection a request goes out on, so each
-- thread deals its requests to the viewers in turn: with as many viewers as connections, a viewer
-- makes as many requests as a connection does, and the per-address and per-token limits see viewers.
--
-- wrk -t <threads> ... -s viewers.lua <url> -- <threads> <kind> <viewers> <tokens file> <pause ms> <hls dir> <playlist prefix> <url prefix> <channels>
--   kind: "playlist" (a channel's playlist) or "segment" (one of the newest segments it lists, as read
--   from the playlist on disk once a second, so every segment requested exists)

local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
end

local kind, viewers, queries, pause, hls_dir, playlist_prefix, url_prefix, channels
local next_viewer, step
local segments, read_at = {}, -1

function init(args)
   -- Each thread runs its own copy of this script: it learns its number from setup(), the count from wrk's -t.
   step = tonumber(args[1])
   kind, viewers, pause = args[2], tonumber(args[3]), tonumber(args[5])
   queries = {}
   for line in io.lines(args[4]) do table.insert(queries, line) end
   hls_dir, playlist_prefix, url_prefix = args[6], args[7], args[8]
   channels = {}
   for c in string.gmatch(args[9], "[^,]+") do table.insert(channels, c) end
   next_viewer = id
end

-- Viewer n's address in 198.18.0.0/15 (reserved for benchmarks: only ever a header value here).
local function address(n)
   return string.format("198.%d.%d.%d", 18 + math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
end

local function refresh_segments()
   local now = os.time()
   if now == read_at then return end
   read_at = now
   for i, channel in ipairs(channels) do
      local f = io.open(hls_dir .. "/" .. playlist_prefix .. channel .. ".m3u8", "r")
      if f then
         local list = {}
         for line in f:lines() do
            if line:sub(1, 1) ~= "#" and line ~= "" then table.insert(list, line) end
         end
         f:close()
         if #list > 0 then segments[i] = list end
      end
   end
end

function request()
   local n = next_viewer
   next_viewer = (next_viewer + step) % viewers
   local c = n % #channels + 1
   local file
   if kind == "playlist" then
      file = playlist_prefix .. channels[c] .. ".m3u8"
   else
      refresh_segments()
      local list = assert(segments[c], "no playlist on disk for channel " .. channels[c])
      file = list[math.max(1, #list - n % 3)]
   end
   return wrk.format("GET", url_prefix .. file .. "?" .. queries[n + 1], { ["CF-Connecting-IP"] = address(n) })
end

function delay()
   return pause
end

-- One JSON line the benchmark reads back.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(99), latency.max))
end
