--[[
Enqueue a task into pending (asynq: enqueueCmd, spec §5.2).
KEYS[1] -> asynq:{<q>}:t:<id>   task hash
KEYS[2] -> asynq:{<q>}:pending  pending list
ARGV[1] -> encoded TaskMessage
ARGV[2] -> task id
ARGV[3] -> now, unix nanoseconds (pending_since)
ARGV[4] -> (optional, Vigil) wake channel vigil:{<q>}:wake to PUBLISH on, so idle Vigil servers start at once
Output:
  1 -> enqueued
  0 -> a task with this id already exists (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "pending", "pending_since", ARGV[3])
redis.call("LPUSH", KEYS[2], ARGV[2])
if ARGV[4] and ARGV[4] ~= "" then
  redis.call("PUBLISH", ARGV[4], "")
end
return 1
