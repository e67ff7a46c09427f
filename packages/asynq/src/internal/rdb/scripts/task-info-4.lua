--[[
One task's hash fields and its position scores (asynq: getTaskInfoCmd, spec §15.1). Read-only.
KEYS[1] -> asynq:{<q>}:t:<id>      task hash
KEYS[2] -> asynq:{<q>}:scheduled   scheduled zset
KEYS[3] -> asynq:{<q>}:retry       retry zset
KEYS[4] -> asynq:{<q>}:lease       lease zset
ARGV[1] -> task id
Output:
  0 -> no such task hash
  array of 5 -> msg (false when absent), state (false when absent), result (false when absent),
                score in scheduled or retry for a task in that state (false otherwise),
                lease score for an active task (false otherwise)
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
local h = redis.call("HMGET", KEYS[1], "msg", "state", "result")
local score = false
local lease = false
if h[2] == "scheduled" then
  score = redis.call("ZSCORE", KEYS[2], ARGV[1])
elseif h[2] == "retry" then
  score = redis.call("ZSCORE", KEYS[3], ARGV[1])
elseif h[2] == "active" then
  lease = redis.call("ZSCORE", KEYS[4], ARGV[1])
end
return { h[1], h[2], h[3], score, lease }
