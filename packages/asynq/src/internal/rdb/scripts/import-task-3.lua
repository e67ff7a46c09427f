--[[
Puts one exported task back (Vigil's `vigil import`; no asynq counterpart). Idempotent: a task whose hash
already exists is left untouched, so re-running an import changes nothing.
KEYS[1] -> asynq:{<q>}:t:<id>   task hash
KEYS[2] -> the state's structure: asynq:{<q>}:pending (LIST) or the scheduled/retry/archived/completed
           ZSET, or the group ZSET asynq:{<q>}:g:<group> for aggregating tasks
KEYS[3] -> asynq:{<q>}:groups   (SET; only touched for aggregating)
ARGV[1] -> state: pending | scheduled | retry | archived | completed | aggregating
ARGV[2] -> zset score (unix seconds; ignored for pending)
ARGV[3] -> task id
ARGV[4] -> group name (aggregating only, else "")
ARGV[5..] -> hash field/value pairs to write (msg, state, and any of pending_since, unique_key, group, result)
Output:
  1 -> imported
  0 -> a task with this id already exists (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call("HSET", KEYS[1], unpack(fields))
local state = ARGV[1]
if state == "pending" then
  redis.call("LPUSH", KEYS[2], ARGV[3])
else
  redis.call("ZADD", KEYS[2], ARGV[2], ARGV[3])
  if state == "aggregating" then
    redis.call("SADD", KEYS[3], ARGV[4])
  end
end
return 1
