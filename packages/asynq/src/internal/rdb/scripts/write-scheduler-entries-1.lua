--[[
Scheduler heartbeat: replace the scheduler's entries list (asynq: writeSchedulerEntriesCmd, spec §9.3).
The ZADD to asynq:schedulers is a separate command sent just before.
KEYS[1] -> asynq:schedulers:{<schedulerID>}   LIST of SchedulerEntry bytes (LPUSHed in order, so reversed)
ARGV[1] -> TTL, seconds (2 x heartbeat interval)
ARGV[2..] -> SchedulerEntry bytes, in registration order
Output: "OK"
]]
redis.call("DEL", KEYS[1])
for i = 2, #ARGV, 500 do
  redis.call("LPUSH", KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
redis.call("EXPIRE", KEYS[1], ARGV[1])
return redis.status_reply("OK")
