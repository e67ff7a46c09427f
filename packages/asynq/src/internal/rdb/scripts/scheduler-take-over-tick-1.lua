--[[
Takes over a cron tick claimed by a scheduler that died before firing it (Vigil; no asynq counterpart).
KEYS[1] -> vigil:cron:fire:<entryId>:<tick>   (STRING: "<schedulerId> <taskId>")
ARGV[1] -> the owner string the caller saw
ARGV[2] -> the new owner string
ARGV[3] -> TTL of the claim, seconds
Output:
  1 -> taken over
  0 -> the claim changed since it was read (nothing written)
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3])
return 1
