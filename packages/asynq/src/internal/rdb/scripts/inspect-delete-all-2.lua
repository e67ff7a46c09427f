--[[
One bounded step of DeleteAll{Pending,Scheduled,Retry,Archived,Completed,Aggregating}Tasks (asynq:
Inspector, spec §15.3). Go deletes the whole source in one script; Vigil deletes at most ARGV[2] ids per
call and the caller repeats until a call takes fewer. Like Go, unique locks are released (when they still
hold the id) only for the scheduled/retry/archived/completed variants: DeleteAllPending and
DeleteAllAggregating leave them until their TTL; the group name leaves the groups set once its zset is empty.
KEYS[1] -> source: asynq:{<q>}:pending (list) | scheduled | retry | archived | completed | g:<group> (zsets)
KEYS[2] -> asynq:{<q>}:groups
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2] -> most ids to take in this call
ARGV[3] -> "list" when KEYS[1] is the pending list, else "zset"
ARGV[4] -> "1" to release unique locks, "0" not to
ARGV[5] -> group name when the source is a group zset, else ""
Output:
  deleted -> ids removed from the source (their hashes deleted), as Go counts them
]]
local batch = tonumber(ARGV[2])
local ids
if ARGV[3] == "list" then
  ids = redis.call("LRANGE", KEYS[1], -batch, -1)
  if #ids > 0 then
    redis.call("LTRIM", KEYS[1], 0, -(#ids + 1))
  end
else
  ids = redis.call("ZRANGE", KEYS[1], 0, batch - 1)
  for i = 1, #ids, 500 do
    redis.call("ZREM", KEYS[1], unpack(ids, i, math.min(i + 499, #ids)))
  end
end
for i = 1, #ids do
  local key = ARGV[1] .. ids[i]
  if ARGV[4] == "1" then
    local uniqueKey = redis.call("HGET", key, "unique_key")
    if uniqueKey and uniqueKey ~= "" and redis.call("GET", uniqueKey) == ids[i] then
      redis.call("DEL", uniqueKey)
    end
  end
  redis.call("DEL", key)
end
if ARGV[5] ~= "" and redis.call("EXISTS", KEYS[1]) == 0 then
  redis.call("SREM", KEYS[2], ARGV[5])
end
return #ids
