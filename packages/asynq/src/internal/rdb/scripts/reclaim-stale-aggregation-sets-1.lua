--[[
Reclaim stale aggregation sets: members of every set past its deadline go back into their group with
their stored scores; the group is NOT re-added to the groups SET, as in Go
(asynq: reclaimStateAggregationSetsCmd, spec §11.4).
KEYS[1] -> asynq:{<q>}:aggregation_sets   member = set key asynq:{<q>}:g:<group>:<setID>, score = deadline
ARGV[1] -> now, unix seconds
Output: the number of sets reclaimed
]]
local sets = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
for _, set in ipairs(sets) do
  local group = string.match(set, "^(.*):[^:]*$")
  local items = redis.call("ZRANGE", set, 0, -1, "WITHSCORES")
  for i = 1, #items, 1000 do
    local args = {}
    for n = i, math.min(i + 999, #items), 2 do
      args[#args + 1] = items[n + 1]
      args[#args + 1] = items[n]
    end
    redis.call("ZADD", group, unpack(args))
  end
  redis.call("DEL", set)
end
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
return #sets
