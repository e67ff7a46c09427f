--[[
One bounded step of RunAll{Scheduled,Retry,Archived,Aggregating}Tasks (asynq: Inspector, spec §15.3).
Go moves the whole set in one script; Vigil moves at most ARGV[2] ids (lowest scores first, as Go's
ZRANGE order) per call and the caller repeats until a call takes fewer, reaching Go's end state without
blocking Redis. Like Go: LPUSH pending, state=pending, no pending_since, message and `group` field kept
(quirks Q4, Q9); the group name leaves the groups set once its zset is empty.
Unlike Go, an id whose task hash is missing is dropped from the source instead of becoming a stub task.
KEYS[1] -> source zset: asynq:{<q>}:scheduled | retry | archived | g:<group>
KEYS[2] -> asynq:{<q>}:pending
KEYS[3] -> asynq:{<q>}:groups
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2] -> most ids to take in this call
ARGV[3] -> group name when the source is a group zset, else ""
Output:
  {moved, taken} -> moved = tasks now pending; taken = ids removed from the source (moved + dangling)
]]
local ids = redis.call("ZRANGE", KEYS[1], 0, tonumber(ARGV[2]) - 1)
local moved = 0
for i = 1, #ids do
  local key = ARGV[1] .. ids[i]
  if redis.call("EXISTS", key) == 1 then
    redis.call("LPUSH", KEYS[2], ids[i])
    redis.call("HSET", key, "state", "pending")
    moved = moved + 1
  end
end
for i = 1, #ids, 500 do
  redis.call("ZREM", KEYS[1], unpack(ids, i, math.min(i + 499, #ids)))
end
if ARGV[3] ~= "" and redis.call("EXISTS", KEYS[1]) == 0 then
  redis.call("SREM", KEYS[3], ARGV[3])
end
return { moved, #ids }
