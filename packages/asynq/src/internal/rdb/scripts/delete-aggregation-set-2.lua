--[[
Delete an aggregation set after its aggregated task was enqueued: every member's task hash, the set, and
its registration (asynq: deleteAggregationSetCmd, spec §11.3 step 3).
KEYS[1] -> asynq:{<q>}:g:<group>:<setID>
KEYS[2] -> asynq:{<q>}:aggregation_sets
ARGV[1] -> task key prefix asynq:{<q>}:t:
Output: the number of member task hashes deleted
]]
local ids = redis.call("ZRANGE", KEYS[1], 0, -1)
local deleted = 0
for i = 1, #ids, 500 do
  local hashes = {}
  for n = i, math.min(i + 499, #ids) do
    hashes[#hashes + 1] = ARGV[1] .. ids[n]
  end
  deleted = deleted + redis.call("DEL", unpack(hashes))
end
redis.call("DEL", KEYS[1])
redis.call("ZREM", KEYS[2], KEYS[1])
return deleted
