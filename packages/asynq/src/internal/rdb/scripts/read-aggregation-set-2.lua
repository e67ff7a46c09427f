--[[
Read an aggregation set: its deadline and the msg of every member (asynq: readAggregationSetCmd plus the
ZSCORE Go sends after it, spec §11.3 step 1).
KEYS[1] -> asynq:{<q>}:g:<group>:<setID>
KEYS[2] -> asynq:{<q>}:aggregation_sets
ARGV[1] -> task key prefix asynq:{<q>}:t:
Output: {deadline (unix seconds as text, or nil when the set is not registered), msg1, msg2, ...};
  members in set order; members whose hash or msg is missing are skipped
]]
local out = { redis.call("ZSCORE", KEYS[2], KEYS[1]) }
local ids = redis.call("ZRANGE", KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  local msg = redis.call("HGET", ARGV[1] .. id, "msg")
  if msg then
    out[#out + 1] = msg
  end
end
return out
