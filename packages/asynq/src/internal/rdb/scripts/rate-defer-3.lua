--[[
Puts active tasks that are over a rate limit back to wait as scheduled until their reserved slot (Vigil
addition). The task message is not rewritten: retried, error_msg and the queue's counters stay as they are.
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:scheduled   score = process-at, unix seconds
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2..] -> pairs: task id, process-at unix seconds (the slot rounded up, so Go's forwarder is never early)
Each deferred task: removed from active and lease, ZADD scheduled, hash state=scheduled.
Output: one integer per task, in order: 1 -> deferred; 0 -> not active under a lease here (nothing written)
]]
local out = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local code = 0
  if redis.call("ZSCORE", KEYS[2], id) and redis.call("LREM", KEYS[1], 0, id) > 0 then
    redis.call("ZREM", KEYS[2], id)
    redis.call("ZADD", KEYS[3], ARGV[i + 1], id)
    redis.call("HSET", ARGV[1] .. id, "state", "scheduled")
    code = 1
  end
  out[#out + 1] = code
end
return out
