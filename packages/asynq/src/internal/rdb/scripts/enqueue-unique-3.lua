--[[
Enqueue a unique task into pending (asynq: enqueueUniqueCmd, spec §5.3).
KEYS[1] -> asynq:{<q>}:unique:<type>:<md5>  uniqueness lock
KEYS[2] -> asynq:{<q>}:t:<id>                task hash
KEYS[3] -> asynq:{<q>}:pending               pending list
ARGV[1] -> task id (the lock's value)
ARGV[2] -> lock TTL, whole seconds (>= 1)
ARGV[3] -> encoded TaskMessage
ARGV[4] -> now, unix nanoseconds (pending_since)
ARGV[5] -> (optional, Vigil) wake channel vigil:{<q>}:wake to PUBLISH on, so idle Vigil servers start at once
Output:
   1 -> enqueued
  -1 -> the lock is held by another task (duplicate; nothing written)
   0 -> a task with this id already exists; the lock taken in step 1 stays until its TTL, as in Go
]]
local locked = redis.call("SET", KEYS[1], ARGV[1], "NX", "EX", ARGV[2])
if not locked then
  return -1
end
if redis.call("EXISTS", KEYS[2]) == 1 then
  return 0
end
redis.call("HSET", KEYS[2], "msg", ARGV[3], "state", "pending", "pending_since", ARGV[4], "unique_key", KEYS[1])
redis.call("LPUSH", KEYS[3], ARGV[1])
if ARGV[5] and ARGV[5] ~= "" then
  redis.call("PUBLISH", ARGV[5], "")
end
return 1
