--[[
Current counts of one queue (asynq: currentStatsCmd, spec §10.2). Read-only.
KEYS[1]  -> asynq:{<q>}:pending               pending list
KEYS[2]  -> asynq:{<q>}:active                active list
KEYS[3]  -> asynq:{<q>}:scheduled             scheduled zset
KEYS[4]  -> asynq:{<q>}:retry                 retry zset
KEYS[5]  -> asynq:{<q>}:archived              archived zset
KEYS[6]  -> asynq:{<q>}:completed             completed zset
KEYS[7]  -> asynq:{<q>}:processed:<today>     daily processed counter
KEYS[8]  -> asynq:{<q>}:failed:<today>        daily failed counter
KEYS[9]  -> asynq:{<q>}:processed             total processed counter
KEYS[10] -> asynq:{<q>}:failed                total failed counter
KEYS[11] -> asynq:{<q>}:paused                paused flag
KEYS[12] -> asynq:{<q>}:groups                group names set
ARGV[1]  -> asynq:{<q>}:t:                    task key prefix
ARGV[2]  -> asynq:{<q>}:g:                    group key prefix
Output: an array of 14 values, in this order:
  pending, active, scheduled, retry, archived, completed (integers);
  processed today, failed today, processed total, failed total (counter text, "0" when missing);
  paused (1 or 0);
  pending_since of the oldest pending task (unix ns as text, "0" when missing or pending is empty);
  number of groups; number of aggregating tasks over all groups (integers)
]]
local function counter(key)
  local v = redis.call("GET", key)
  if v then
    return v
  end
  return "0"
end

local out = {}
out[1] = redis.call("LLEN", KEYS[1])
out[2] = redis.call("LLEN", KEYS[2])
out[3] = redis.call("ZCARD", KEYS[3])
out[4] = redis.call("ZCARD", KEYS[4])
out[5] = redis.call("ZCARD", KEYS[5])
out[6] = redis.call("ZCARD", KEYS[6])
out[7] = counter(KEYS[7])
out[8] = counter(KEYS[8])
out[9] = counter(KEYS[9])
out[10] = counter(KEYS[10])
out[11] = redis.call("EXISTS", KEYS[11])

-- The oldest pending task sits at the right end of the list (new tasks are LPUSHed).
local since = "0"
local oldest = redis.call("LRANGE", KEYS[1], -1, -1)
if #oldest > 0 then
  local v = redis.call("HGET", ARGV[1] .. oldest[1], "pending_since")
  if v and v ~= "" then
    since = v
  end
end
out[12] = since

local names = redis.call("SMEMBERS", KEYS[12])
local aggregating = 0
for _, name in ipairs(names) do
  aggregating = aggregating + redis.call("ZCARD", ARGV[2] .. name)
end
out[13] = #names
out[14] = aggregating
return out
