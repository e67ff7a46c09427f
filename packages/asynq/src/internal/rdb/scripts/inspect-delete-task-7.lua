--[[
Delete one task that is not active (asynq: Inspector.DeleteTask, spec §15.2), releasing its unique lock
when the lock still holds this id. Unlike Go, a task that is not where its state says is still deleted:
its id is then removed from every container of the queue, so delete can clean up inconsistent data.
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
   1 -> deleted
   0 -> no such task
  -1 -> the task is active
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
local id = ARGV[1]
local state, group, uniqueKey = unpack(redis.call("HMGET", KEYS[1], "state", "group", "unique_key"))
if state == "active" then
  return -1
end
local function leaveGroup()
  if not group then
    return 0
  end
  local gkey = ARGV[2] .. group
  local n = redis.call("ZREM", gkey, id)
  if redis.call("ZCARD", gkey) == 0 then
    redis.call("SREM", KEYS[7], group)
  end
  return n
end
local sets = { scheduled = KEYS[3], retry = KEYS[4], archived = KEYS[5], completed = KEYS[6] }
local removed = 0
if state == "pending" then
  removed = redis.call("LREM", KEYS[2], 0, id)
elseif state == "aggregating" then
  removed = leaveGroup()
elseif state and sets[state] then
  removed = redis.call("ZREM", sets[state], id)
end
if removed == 0 then
  redis.call("LREM", KEYS[2], 0, id)
  for i = 3, 6 do
    redis.call("ZREM", KEYS[i], id)
  end
  leaveGroup()
end
if uniqueKey and uniqueKey ~= "" and redis.call("GET", uniqueKey) == id then
  redis.call("DEL", uniqueKey)
end
redis.call("DEL", KEYS[1])
return 1
