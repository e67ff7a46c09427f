--[[
Record one enqueue of a cron entry, keeping the newest ARGV[3] events (asynq: recordSchedulerEnqueueEventCmd,
spec §9.3).
KEYS[1] -> asynq:scheduler_history:<entryID>   ZSET member = SchedulerEnqueueEvent bytes, score = unix s
ARGV[1] -> enqueue time, unix seconds
ARGV[2] -> SchedulerEnqueueEvent bytes
ARGV[3] -> history cap (1000)
Output: "OK"
]]
redis.call("ZREMRANGEBYRANK", KEYS[1], 0, -tonumber(ARGV[3]))
redis.call("ZADD", KEYS[1], ARGV[1], ARGV[2])
return redis.status_reply("OK")
