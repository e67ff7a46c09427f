--[[
Archive one waiting task (asynq: Inspector.ArchiveTask, spec §15.2). Like Go the message is not changed
(no error text, quirk Q5) and an old pending_since stays. Then the archive is trimmed like Go (older than
the cutoff, then all but the newest max-1); unlike Go's inspector, the trimmed tasks' hashes are deleted
too (as Go v0.25+ workers do), so no unreachable hashes are left behind.
KEYS[1] -> asynq:{<q>}:t:<id>   task hash
KEYS[2] -> asynq:{<q>}:pending
KEYS[3] -> asynq:{<q>}:scheduled
KEYS[4] -> asynq:{<q>}:retry
KEYS[5] -> asynq:{<q>}:archived
KEYS[6] -> asynq:{<q>}:completed
KEYS[7] -> asynq:{<q>}:groups
ARGV[1] -> task id
ARGV[2] -> now, unix s (archived score)
ARGV[3] -> cutoff, unix s (archived entries scored at or before it are trimmed)
ARGV[4] -> archive size cap (10000: keeps the newest 9 999)
ARGV[5] -> group key prefix asynq:{<q>}:g:
ARGV[6] -> task key prefix asynq:{<q>}:t:
Output:
   1 -> archived
   0 -> no such task
  -1 -> the task is already archived
  -2 -> the task is active
  -3 -> the task is not where its state says it is (nothing written)
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
local id = ARGV[1]
local state = redis.call("HGET", KEYS[1], "state")
if state == "active" then
  return -2
end
if state == "archived" then
  return -1
end
local sets = { scheduled = KEYS[3], retry = KEYS[4], completed = KEYS[6] }
if state == "pending" then
  if redis.call("LREM", KEYS[2], 1, id) == 0 then
    return -3
  end
elseif state == "aggregating" then
  local group = redis.call("HGET", KEYS[1], "group")
  if not group then
    return -3
  end
  local gkey = ARGV[5] .. group
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
redis.call("ZADD", KEYS[5], ARGV[2], id)
redis.call("HSET", KEYS[1], "state", "archived")

local function drop(ids)
  for i = 1, #ids do
    redis.call("DEL", ARGV[6] .. ids[i])
  end
  for i = 1, #ids, 500 do
    redis.call("ZREM", KEYS[5], unpack(ids, i, math.min(i + 499, #ids)))
  end
end
drop(redis.call("ZRANGEBYSCORE", KEYS[5], "-inf", ARGV[3]))
drop(redis.call("ZRANGE", KEYS[5], 0, -tonumber(ARGV[4])))
return 1
