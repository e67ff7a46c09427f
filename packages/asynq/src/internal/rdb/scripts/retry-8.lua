--[[
Retry: a failed task with retries left moves to retry (asynq: retryCmd, spec §6.4.3). The unique lock stays.
KEYS[1] -> asynq:{<q>}:t:<id>
KEYS[2] -> asynq:{<q>}:active
KEYS[3] -> asynq:{<q>}:lease
KEYS[4] -> asynq:{<q>}:retry                     score = retry-at
KEYS[5] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counters of the UTC date of now
KEYS[6] -> asynq:{<q>}:failed:<YYYY-MM-DD>
KEYS[7] -> asynq:{<q>}:processed                 all-time counters
KEYS[8] -> asynq:{<q>}:failed
ARGV[1] -> task id
ARGV[2] -> the re-encoded msg (error_msg, last_failed_at, retried + 1 when it counts as a failure)
ARGV[3] -> retry-at, unix seconds
ARGV[4] -> stats expiry, unix seconds (now + 90 days); EXPIREAT only when INCR returns 1
ARGV[5] -> "1" when the failure counts (counters move), "0" otherwise
ARGV[6] -> MAXI64 "9223372036854775807"; both totals wrap to 1 when processed equals this
ARGV[7] -> optional (Vigil's recoverer): lease cutoff, unix seconds; act only while the task's lease score is
           <= it, so a task taken again since the recoverer listed it is left to its new worker
Output:
  "OK"  (hash: msg rewritten, state=retry)
  error "NOT FOUND" -> the id was not in active or not in lease (earlier steps stay applied), or its lease
     is no longer expired by ARGV[7] (nothing written)
]]
if ARGV[7] then
  local score = redis.call("ZSCORE", KEYS[3], ARGV[1])
  if not score or tonumber(score) > tonumber(ARGV[7]) then
    return redis.error_reply("NOT FOUND")
  end
end
if redis.call("LREM", KEYS[2], 0, ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZREM", KEYS[3], ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[1])
redis.call("HSET", KEYS[1], "msg", ARGV[2], "state", "retry")
if ARGV[5] == "1" then
  if redis.call("INCR", KEYS[5]) == 1 then
    redis.call("EXPIREAT", KEYS[5], ARGV[4])
  end
  if redis.call("INCR", KEYS[6]) == 1 then
    redis.call("EXPIREAT", KEYS[6], ARGV[4])
  end
  if redis.call("GET", KEYS[7]) == ARGV[6] then
    redis.call("SET", KEYS[7], 1)
    redis.call("SET", KEYS[8], 1)
  else
    redis.call("INCR", KEYS[7])
    redis.call("INCR", KEYS[8])
  end
end
return redis.status_reply("OK")
