--[[
Add a unique task to an aggregation group (asynq: addToGroupUniqueCmd, spec §5.7).
As in Go, the hash gets no unique_key field (the message carries it).
KEYS[1] -> asynq:{<q>}:t:<id>                task hash
KEYS[2] -> asynq:{<q>}:g:<group>             group zset
KEYS[3] -> asynq:{<q>}:groups                set of group names
KEYS[4] -> asynq:{<q>}:unique:<type>:<md5>  uniqueness lock
ARGV[1] -> encoded TaskMessage
ARGV[2] -> task id (also the lock's value)
ARGV[3] -> now, unix seconds (the group zset score)
ARGV[4] -> group name
ARGV[5] -> lock TTL, whole seconds (>= 1)
Output:
   1 -> added
  -1 -> the lock is held by another task (duplicate; nothing written)
   0 -> a task with this id already exists; the lock taken in step 1 stays until its TTL, as in Go
]]
local locked = redis.call("SET", KEYS[4], ARGV[2], "NX", "EX", ARGV[5])
if not locked then
  return -1
end
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "aggregating", "group", ARGV[4])
redis.call("ZADD", KEYS[2], ARGV[3], ARGV[2])
redis.call("SADD", KEYS[3], ARGV[4])
return 1
