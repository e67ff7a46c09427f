--[[
Schedule a task to run later (asynq: scheduleCmd, spec §5.4).
KEYS[1] -> asynq:{<q>}:t:<id>     task hash
KEYS[2] -> asynq:{<q>}:scheduled  scheduled zset
ARGV[1] -> encoded TaskMessage
ARGV[2] -> process-at, unix seconds (the zset score)
ARGV[3] -> task id
Output:
  1 -> scheduled
  0 -> a task with this id already exists (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "scheduled")
redis.call("ZADD", KEYS[2], ARGV[2], ARGV[3])
return 1
