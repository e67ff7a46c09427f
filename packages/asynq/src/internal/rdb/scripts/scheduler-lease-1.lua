--[[
Takes or renews the leader lease of a highly available scheduler group (Vigil; no asynq counterpart).
KEYS[1] -> vigil:cron:leader:<group>   (STRING: the leader's scheduler id)
ARGV[1] -> this scheduler's id
ARGV[2] -> lease length in milliseconds
Output:
  1 -> this scheduler holds the lease (taken or renewed)
  0 -> another scheduler holds it
]]
local holder = redis.call("GET", KEYS[1])
if holder == false then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0
