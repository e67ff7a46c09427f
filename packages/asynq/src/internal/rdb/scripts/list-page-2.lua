--[[
One page of a task list (pending or active) with each task's hash fields (asynq: listMessagesCmd,
spec §15.1). Read-only; O(page size).
KEYS[1] -> asynq:{<q>}:pending or asynq:{<q>}:active   task id list
KEYS[2] -> asynq:{<q>}:lease                            lease zset (scores are read for active tasks)
ARGV[1] -> LRANGE start (negative: pages count from the oldest end, the right)
ARGV[2] -> LRANGE stop
ARGV[3] -> asynq:{<q>}:t:                               task key prefix
Output: flat array, 5 values per task, newest first (the caller reverses):
  id, msg (false when absent), state (false when absent), result (false when absent),
  lease score (false when the id holds no lease)
]]
local out = {}
for _, id in ipairs(redis.call("LRANGE", KEYS[1], ARGV[1], ARGV[2])) do
  local h = redis.call("HMGET", ARGV[3] .. id, "msg", "state", "result")
  out[#out + 1] = id
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
  out[#out + 1] = h[3]
  out[#out + 1] = redis.call("ZSCORE", KEYS[2], id)
end
return out
