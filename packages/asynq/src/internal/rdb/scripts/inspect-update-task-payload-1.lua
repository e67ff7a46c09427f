--[[
Replace the message of a scheduled task (asynq v0.26: Inspector.UpdateTaskPayload, spec §15.2).
The caller read the old message, changed its payload and re-encoded it; the write only happens when the
message is still the one read (Go does not check this), so a concurrent change is never overwritten.
Like Go, the unique lock key is not recomputed (quirk Q3).
KEYS[1] -> asynq:{<q>}:t:<id>   task hash
ARGV[1] -> new encoded TaskMessage
ARGV[2] -> the encoded TaskMessage the caller read
Output:
   1 -> updated
   0 -> no such task
  -1 -> the task is not scheduled
  -2 -> the message changed since it was read (nothing written; read again and retry)
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
local state, msg = unpack(redis.call("HMGET", KEYS[1], "state", "msg"))
if state ~= "scheduled" then
  return -1
end
if msg ~= ARGV[2] then
  return -2
end
redis.call("HSET", KEYS[1], "msg", ARGV[1])
return 1
