--[[
Approximate bytes used by one queue's tasks (asynq: memoryUsageCmd, spec §10.3). Read-only.
Samples task hashes and extrapolates. Missing task hashes are skipped and groups that yield no
sample add nothing, so the script never fails on dangling ids (like the unreleased Go fix).
KEYS[1] -> asynq:{<q>}:active     active list
KEYS[2] -> asynq:{<q>}:pending    pending list
KEYS[3] -> asynq:{<q>}:scheduled  scheduled zset
KEYS[4] -> asynq:{<q>}:retry      retry zset
KEYS[5] -> asynq:{<q>}:archived   archived zset
KEYS[6] -> asynq:{<q>}:completed  completed zset
KEYS[7] -> asynq:{<q>}:groups     group names set
ARGV[1] -> asynq:{<q>}:t:         task key prefix
ARGV[2] -> sample size per list, zset and group (Go: 20)
ARGV[3] -> number of groups sampled (Go: 5)
ARGV[4] -> asynq:{<q>}:g:         group key prefix
Output: integer, estimated bytes (Redis truncates the Lua number)
]]
local prefix = ARGV[1]
local sample = tonumber(ARGV[2])
local group_samples = tonumber(ARGV[3])
local total = 0

-- Sums MEMORY USAGE over the task hashes of `ids`; returns the sum and how many hashes exist.
local function sample_tasks(ids)
  local sum, found = 0, 0
  for _, id in ipairs(ids) do
    local bytes = redis.call("MEMORY", "USAGE", prefix .. id)
    if bytes then
      sum = sum + bytes
      found = found + 1
    end
  end
  return sum, found
end

-- One list or zset: average sampled task size times its length, plus the key itself.
local function container(key, ids, count)
  local sum, found = sample_tasks(ids)
  if found > 0 then
    total = total + (sum / found) * count
  end
  local own = redis.call("MEMORY", "USAGE", key)
  if own then
    total = total + own
  end
end

for i = 1, 2 do
  local ids = redis.call("LRANGE", KEYS[i], 0, sample - 1)
  container(KEYS[i], ids, redis.call("LLEN", KEYS[i]))
end
for i = 3, 6 do
  local ids = redis.call("ZRANGE", KEYS[i], 0, sample - 1)
  container(KEYS[i], ids, redis.call("ZCARD", KEYS[i]))
end

local names = redis.call("SMEMBERS", KEYS[7])
local grouped, group_sum, group_found = 0, 0, 0
for i, name in ipairs(names) do
  local key = ARGV[4] .. name
  grouped = grouped + redis.call("ZCARD", key)
  if i <= group_samples then
    local sum, found = sample_tasks(redis.call("ZRANGE", key, 0, sample - 1))
    group_sum = group_sum + sum
    group_found = group_found + found
  end
end
if group_found > 0 then
  total = total + (group_sum / group_found) * grouped
end
return total
