--[[
Move one task to pending, whatever waiting state it is in (asynq: Inspector.RunTask, spec §15.2).
Like Go: no pending_since is written and the message (retried, error_msg) is left as is (quirk Q4);
an aggregating task keeps its `group` hash field (quirk Q9).
KEYS[1] -> asynq:{<q>}:t:<id>   task hash
KEYS[2] -> asynq:{<q>}:pending
KEYS[3] -> asynq:{<q>}:scheduled
KEYS[4] -> asynq:{<q>}:retry
KEYS[5] -> asynq:{<q>}:archived
KEYS[6] -> asynq:{<q>}:completed
KEYS[7] -> asynq:{<q>}:groups
ARGV[1] -> task id
ARGV[2] -> group key prefix asynq:{<q>}:g:
Output:
   1 -> moved to pending
   0 -> no such task
  -1 -> the task is active
  -2 -> the task is already pending
  -3 -> the task is not where its state says it is (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
local id = ARGV[1]
local state = redis.call("HGET", KEYS[1], "state")
if state == "active" then
  return -1
end
if state == "pending" then
  return -2
end
local sets = { scheduled = KEYS[3], retry = KEYS[4], archived = KEYS[5], completed = KEYS[6] }
if state == "aggregating" then
  local group = redis.call("HGET", KEYS[1], "group")
  if not group then
    return -3
  end
  local gkey = ARGV[2] .. group
  if redis.call("ZREM", gkey, id) == 0 then
    return -3
  end
  if redis.call("ZCARD", gkey) == 0 then
    redis.call("SREM", KEYS[7], group)
  end
elseif state and sets[state] then
  if redis.call("ZREM", sets[state], id) == 0 then
    return -3
  end
else
  return -3
end
redis.call("LPUSH", KEYS[2], id)
redis.call("HSET", KEYS[1], "state", "pending")
return 1
