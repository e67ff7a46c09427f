--[[
Gives up the leader lease if this scheduler still holds it (Vigil; no asynq counterpart).
KEYS[1] -> vigil:cron:leader:<group>
ARGV[1] -> this scheduler's id
Output:
  1 -> released
  0 -> not held by this scheduler (nothing changed)
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  return 1
end
return 0
