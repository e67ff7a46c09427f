--[[
One chunk of a task zset (scheduled, retry, archived, completed or a group) for Inspector search
(a Vigil addition; no Go counterpart), in (score, id) order within a score range, resuming after the
last (score, id) seen so the walk stays exact while tasks come and go. Read-only;
O(log n + count), O(log² n) when the last task seen has left or moved.
KEYS[1] -> asynq:{<q>}:scheduled | retry | archived | completed | g:<group>   task id zset
ARGV[1] -> lowest score to include ("-inf" or a number)
ARGV[2] -> highest score to include ("+inf" or a number)
ARGV[3] -> score of the last task seen, as Redis printed it; "" to start at ARGV[1]
ARGV[4] -> id of the last task seen (ignored when ARGV[3] is "")
ARGV[5] -> most tasks to return
ARGV[6] -> asynq:{<q>}:t:                                                    task key prefix
Output: flat array: number of members scored from ARGV[1] to ARGV[2], 1 when members remain after this
  chunk else 0, then 4 values per task, ascending:
  id, score (text), msg (false when absent), state (false when absent)
]]
local key = KEYS[1]

-- a <= b in Redis' order of equal-score members (memcmp, then length).
local function le(a, b)
  if a == b then
    return true
  end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

local below = 0
if ARGV[1] ~= "-inf" then
  below = redis.call("ZCOUNT", key, "-inf", "(" .. ARGV[1])
end
local upto = redis.call("ZCOUNT", key, "-inf", ARGV[2])

local start = below
if ARGV[3] ~= "" then
  local rank = redis.call("ZRANK", key, ARGV[4])
  if rank and tonumber(redis.call("ZSCORE", key, ARGV[4])) == tonumber(ARGV[3]) then
    start = rank + 1
  else
    -- The last task seen left or moved: find the first member after (score, id).
    local a = redis.call("ZCOUNT", key, "-inf", "(" .. ARGV[3])
    local b = redis.call("ZCOUNT", key, "-inf", ARGV[3])
    while a < b do
      local mid = math.floor((a + b) / 2)
      if le(redis.call("ZRANGE", key, mid, mid)[1], ARGV[4]) then
        a = mid + 1
      else
        b = mid
      end
    end
    start = a
  end
  if start < below then
    start = below
  end
end

local count = tonumber(ARGV[5])
local stop = math.min(start + count - 1, upto - 1)
local more = 0
if stop < upto - 1 then
  more = 1
end
local out = { math.max(0, upto - below), more }
if stop >= start then
  local page = redis.call("ZRANGE", key, start, stop, "WITHSCORES")
  for i = 1, #page, 2 do
    local h = redis.call("HMGET", ARGV[6] .. page[i], "msg", "state")
    out[#out + 1] = page[i]
    out[#out + 1] = page[i + 1]
    out[#out + 1] = h[1]
    out[#out + 1] = h[2]
  end
end
return out
