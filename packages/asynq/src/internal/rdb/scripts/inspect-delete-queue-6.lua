--[[
Remove an empty queue's keys (asynq: Inspector.DeleteQueue with force=false, spec §15.4).
Completed and aggregating tasks do not count and are left alone, as in Go. The caller then removes the
name from asynq:queues.
KEYS[1] -> asynq:{<q>}:pending
KEYS[2] -> asynq:{<q>}:active
KEYS[3] -> asynq:{<q>}:scheduled
KEYS[4] -> asynq:{<q>}:retry
KEYS[5] -> asynq:{<q>}:archived
KEYS[6] -> asynq:{<q>}:lease
Output:
   1 -> removed
  -1 -> the queue still has pending, active, scheduled, retry or archived tasks (nothing written)
]]
for i = 1, 5 do
  if redis.call("EXISTS", KEYS[i]) == 1 then
    return -1
  end
end
redis.call("DEL", KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1
