--[[
One bounded step of a forced queue removal (asynq: Inspector.DeleteQueue with force=true, spec §15.4).
Go does everything in one script; Vigil deletes at most ARGV[2] tasks per call and the caller repeats
until done, so a huge queue never blocks Redis. Every step refuses while a task is active; the last
step deletes the six keys, exactly like Go's end state. Completed and aggregating tasks stay (as in Go).
KEYS[1] -> asynq:{<q>}:pending
KEYS[2] -> asynq:{<q>}:active
KEYS[3] -> asynq:{<q>}:scheduled
KEYS[4] -> asynq:{<q>}:retry
KEYS[5] -> asynq:{<q>}:archived
KEYS[6] -> asynq:{<q>}:lease
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2] -> most tasks to delete in this call
Output:
  -2 -> a task is active (nothing written by this call)
  {done, deleted} -> deleted = task hashes deleted by this call; done = 1 when the queue's keys are gone
]]
if redis.call("LLEN", KEYS[2]) > 0 then
  return -2
end
local budget = tonumber(ARGV[2])
local deleted = 0
local function dropHashes(ids)
  for i = 1, #ids do
    redis.call("DEL", ARGV[1] .. ids[i])
  end
  deleted = deleted + #ids
  budget = budget - #ids
end
if budget > 0 then
  local ids = redis.call("LRANGE", KEYS[1], -budget, -1)
  dropHashes(ids)
  if #ids > 0 then
    redis.call("LTRIM", KEYS[1], 0, -(#ids + 1))
  end
end
for k = 3, 5 do
  if budget > 0 then
    local ids = redis.call("ZRANGE", KEYS[k], 0, budget - 1)
    dropHashes(ids)
    for i = 1, #ids, 500 do
      redis.call("ZREM", KEYS[k], unpack(ids, i, math.min(i + 499, #ids)))
    end
  end
end
for k = 1, 5 do
  if redis.call("EXISTS", KEYS[k]) == 1 then
    return { 0, deleted }
  end
end
redis.call("DEL", KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return { 1, deleted }
