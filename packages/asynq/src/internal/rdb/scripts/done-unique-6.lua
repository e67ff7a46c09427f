--[[
Done for a unique task: as done-5.lua, then releases the uniqueness lock if it still holds this id
(asynq: doneUniqueCmd, spec §6.4.1 step 6, §12).
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:t:<id>
KEYS[4] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counter of the UTC date of now
KEYS[5] -> asynq:{<q>}:processed                 all-time counter
KEYS[6] -> the task's unique lock key (msg.unique_key)
ARGV[1] -> task id
ARGV[2] -> stats expiry, unix seconds (now + 90 days); EXPIREAT only when INCR returns 1
ARGV[3] -> MAXI64 "9223372036854775807"; the total wraps to 1 when it equals this
Output:
  "OK"
  error "NOT FOUND" -> the id was not in active, or not in lease, or had no hash (earlier steps stay applied)
]]
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZREM", KEYS[2], ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("DEL", KEYS[3]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("INCR", KEYS[4]) == 1 then
  redis.call("EXPIREAT", KEYS[4], ARGV[2])
end
if redis.call("GET", KEYS[5]) == ARGV[3] then
  redis.call("SET", KEYS[5], 1)
else
  redis.call("INCR", KEYS[5])
end
if redis.call("GET", KEYS[6]) == ARGV[1] then
  redis.call("DEL", KEYS[6])
end
return redis.status_reply("OK")
