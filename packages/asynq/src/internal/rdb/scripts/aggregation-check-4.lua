--[[
Aggregation check of one group: when max size, max delay or grace period says so, move members into a
new aggregation set (asynq: aggregationCheckCmd, spec §11.2).
KEYS[1] -> asynq:{<q>}:g:<group>            group ZSET (score = time added)
KEYS[2] -> asynq:{<q>}:g:<group>:<setID>    the new aggregation set (setID: a fresh UUID)
KEYS[3] -> asynq:{<q>}:aggregation_sets      member = set key, score = set deadline
KEYS[4] -> asynq:{<q>}:groups                group names SET
ARGV[1] -> max size (0 = none)
ARGV[2] -> max delay, seconds (0 = none)
ARGV[3] -> grace period, seconds
ARGV[4] -> set deadline, unix seconds (now + 120)
ARGV[5] -> tick time, unix seconds
ARGV[6] -> group name
Output:
  0 -> nothing to aggregate (no set created)
  1 -> set created at KEYS[2] (members moved with their scores, set registered, group name removed from
       KEYS[4] when the group became empty)
]]
local size = redis.call("ZCARD", KEYS[1])
if size == 0 then
  return 0
end
local maxSize = tonumber(ARGV[1])
local tick = tonumber(ARGV[5])
local function move(stop)
  local items = redis.call("ZRANGE", KEYS[1], 0, stop, "WITHSCORES")
  for i = 1, #items, 1000 do
    local args = {}
    for n = i, math.min(i + 999, #items), 2 do
      args[#args + 1] = items[n + 1]
      args[#args + 1] = items[n]
    end
    redis.call("ZADD", KEYS[2], unpack(args))
  end
  redis.call("ZREMRANGEBYRANK", KEYS[1], 0, stop)
  redis.call("ZADD", KEYS[3], ARGV[4], KEYS[2])
end
if maxSize ~= 0 and size >= maxSize then
  move(maxSize - 1)
  if size == maxSize then
    redis.call("SREM", KEYS[4], ARGV[6])
  end
  return 1
end
local function aggregate()
  if maxSize == 0 then
    move(-1)
  else
    move(maxSize - 1)
  end
  if maxSize == 0 or size <= maxSize then
    redis.call("SREM", KEYS[4], ARGV[6])
  end
  return 1
end
local maxDelay = tonumber(ARGV[2])
if maxDelay ~= 0 then
  local oldest = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
  if tonumber(oldest[2]) <= tick - maxDelay then
    return aggregate()
  end
end
local newest = redis.call("ZREVRANGE", KEYS[1], 0, 0, "WITHSCORES")
if tonumber(newest[2]) <= tick - tonumber(ARGV[3]) then
  return aggregate()
end
return 0
