--[[
Mark as complete: a task with retention > 0 succeeded; it moves to completed (asynq: markAsCompleteCmd, spec §6.4.2).
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:completed                 score = completed_at + retention
KEYS[4] -> asynq:{<q>}:t:<id>
KEYS[5] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counter of the UTC date of now
KEYS[6] -> asynq:{<q>}:processed                 all-time counter
ARGV[1] -> task id
ARGV[2] -> stats expiry, unix seconds (now + 90 days); EXPIREAT only when INCR returns 1
ARGV[3] -> completed expiry, unix seconds (now + retention)
ARGV[4] -> the re-encoded msg (completed_at = now)
ARGV[5] -> MAXI64 "9223372036854775807"; the total wraps to 1 when it equals this
Output:
  "OK"  (hash: msg rewritten, state=completed; other fields such as result kept)
  error "NOT FOUND" -> the id was not in active or not in lease (earlier steps stay applied)
  error "INTERNAL"  -> the id was already in completed
]]
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZREM", KEYS[2], ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZADD", KEYS[3], ARGV[3], ARGV[1]) ~= 1 then
  return redis.error_reply("INTERNAL")
end
redis.call("HSET", KEYS[4], "msg", ARGV[4], "state", "completed")
if redis.call("INCR", KEYS[5]) == 1 then
  redis.call("EXPIREAT", KEYS[5], ARGV[2])
end
if redis.call("GET", KEYS[6]) == ARGV[5] then
  redis.call("SET", KEYS[6], 1)
else
  redis.call("INCR", KEYS[6])
end
return redis.status_reply("OK")
