--[[
One bounded step of ArchiveAll{Pending,Scheduled,Retry,Aggregating}Tasks (asynq: Inspector, spec §15.3).
Go archives the whole source in one script; Vigil takes at most ARGV[2] ids per call (from the dequeue
end of the pending list, lowest scores first for a zset) and the caller repeats with the same `now`
until a call takes fewer. Each archived task: ZADD archived now, state=archived, message unchanged
(quirk Q5). The archive is then trimmed like Go (scored at or before the cutoff, then all but the newest
max-1); because every step uses the same `now`, the survivors are the same as after Go's single trim.
Unlike Go's inspector, trimmed tasks' hashes are deleted too (as Go v0.25+ workers do), and an id whose
task hash is missing is dropped instead of becoming a stub task.
KEYS[1] -> source: asynq:{<q>}:pending (list) | scheduled | retry | g:<group> (zsets)
KEYS[2] -> asynq:{<q>}:archived
KEYS[3] -> asynq:{<q>}:groups
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2] -> most ids to take in this call
ARGV[3] -> now, unix s (archived score)
ARGV[4] -> cutoff, unix s
ARGV[5] -> archive size cap (10000)
ARGV[6] -> "list" when KEYS[1] is the pending list, else "zset"
ARGV[7] -> group name when the source is a group zset, else ""
Output:
  {archived, taken} -> archived = tasks moved to the archive; taken = ids removed from the source
]]
local batch = tonumber(ARGV[2])
local ids
if ARGV[6] == "list" then
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
local archived = 0
for i = 1, #ids do
  local key = ARGV[1] .. ids[i]
  if redis.call("EXISTS", key) == 1 then
    redis.call("ZADD", KEYS[2], ARGV[3], ids[i])
    redis.call("HSET", key, "state", "archived")
    archived = archived + 1
  end
end
local function drop(trimmed)
  for i = 1, #trimmed do
    redis.call("DEL", ARGV[1] .. trimmed[i])
  end
  for i = 1, #trimmed, 500 do
    redis.call("ZREM", KEYS[2], unpack(trimmed, i, math.min(i + 499, #trimmed)))
  end
end
drop(redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", ARGV[4]))
drop(redis.call("ZRANGE", KEYS[2], 0, -tonumber(ARGV[5])))
if ARGV[7] ~= "" and redis.call("EXISTS", KEYS[1]) == 0 then
  redis.call("SREM", KEYS[3], ARGV[7])
end
return { archived, #ids }
