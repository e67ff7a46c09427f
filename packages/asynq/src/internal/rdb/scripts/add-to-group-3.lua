--[[
Add a task to an aggregation group (asynq: addToGroupCmd, spec §5.6).
KEYS[1] -> asynq:{<q>}:t:<id>       task hash
KEYS[2] -> asynq:{<q>}:g:<group>    group zset
KEYS[3] -> asynq:{<q>}:groups       set of group names
ARGV[1] -> encoded TaskMessage
ARGV[2] -> task id
ARGV[3] -> now, unix seconds (the group zset score)
ARGV[4] -> group name
Output:
  1 -> added
  0 -> a task with this id already exists (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "aggregating", "group", ARGV[4])
redis.call("ZADD", KEYS[2], ARGV[3], ARGV[2])
redis.call("SADD", KEYS[3], ARGV[4])
return 1
