--[[
Archive: a failed task with no retries left (or SkipRetry, or lease expired) moves to archived, and old
archived tasks are trimmed WITH their task hashes (asynq v0.25+: archiveCmd, spec §6.4.4). Lock stays.
KEYS[1] -> asynq:{<q>}:t:<id>
KEYS[2] -> asynq:{<q>}:active
KEYS[3] -> asynq:{<q>}:lease
KEYS[4] -> asynq:{<q>}:archived                  score = archive time
KEYS[5] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counters of the UTC date of now
KEYS[6] -> asynq:{<q>}:failed:<YYYY-MM-DD>
KEYS[7] -> asynq:{<q>}:processed                 all-time counters
KEYS[8] -> asynq:{<q>}:failed
ARGV[1] -> task id
ARGV[2] -> the re-encoded msg (error_msg, last_failed_at; retried unchanged)
ARGV[3] -> now, unix seconds
ARGV[4] -> age cutoff, unix seconds (now minus 90 calendar days): archived entries scored <= it are trimmed
ARGV[5] -> size limit (10000): all but the newest ARGV[5]-1 archived entries are trimmed
ARGV[6] -> stats expiry, unix seconds (now + 90 days); EXPIREAT only when INCR returns 1
ARGV[7] -> MAXI64 "9223372036854775807"; both totals wrap to 1 when processed equals this
ARGV[8] -> task key prefix asynq:{<q>}:t: (trimmed ids' hashes are deleted)
ARGV[9] -> optional (Vigil's recoverer): lease cutoff, unix seconds; act only while the task's lease score is
           <= it, so a task taken again since the recoverer listed it is left to its new worker
Output:
  "OK"  (hash: msg rewritten, state=archived; always counted as a failure)
  error "NOT FOUND" -> the id was not in active or not in lease (earlier steps stay applied), or its lease
     is no longer expired by ARGV[9] (nothing written)
]]
if ARGV[9] then
  local score = redis.call("ZSCORE", KEYS[3], ARGV[1])
  if not score or tonumber(score) > tonumber(ARGV[9]) then
    return redis.error_reply("NOT FOUND")
  end
end
local function trim(ids)
  for i = 1, #ids, 500 do
    local j = math.min(i + 499, #ids)
    local hashes = {}
    for n = i, j do
      hashes[#hashes + 1] = ARGV[8] .. ids[n]
    end
    redis.call("DEL", unpack(hashes))
    redis.call("ZREM", KEYS[4], unpack(ids, i, j))
  end
end
if redis.call("LREM", KEYS[2], 0, ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZREM", KEYS[3], ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[1])
trim(redis.call("ZRANGEBYSCORE", KEYS[4], "-inf", ARGV[4]))
trim(redis.call("ZRANGE", KEYS[4], 0, -tonumber(ARGV[5])))
redis.call("HSET", KEYS[1], "msg", ARGV[2], "state", "archived")
if redis.call("INCR", KEYS[5]) == 1 then
  redis.call("EXPIREAT", KEYS[5], ARGV[6])
end
if redis.call("INCR", KEYS[6]) == 1 then
  redis.call("EXPIREAT", KEYS[6], ARGV[6])
end
if redis.call("GET", KEYS[7]) == ARGV[7] then
  redis.call("SET", KEYS[7], 1)
  redis.call("SET", KEYS[8], 1)
else
  redis.call("INCR", KEYS[7])
  redis.call("INCR", KEYS[8])
end
return redis.status_reply("OK")
