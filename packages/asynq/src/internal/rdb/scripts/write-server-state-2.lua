--[[
Heartbeat write of one server: info with TTL, workers hash rebuilt from scratch (asynq: writeServerStateCmd,
spec §7.1 step 3). The asynq:servers / asynq:workers ZADDs are separate commands sent just before.
KEYS[1] -> asynq:servers:{<host>:<pid>:<serverID>}   STRING ServerInfo
KEYS[2] -> asynq:workers:{<host>:<pid>:<serverID>}   HASH task id -> WorkerInfo
ARGV[1] -> TTL, seconds (Go: 10)
ARGV[2] -> ServerInfo bytes
ARGV[3..] -> pairs: task id, WorkerInfo bytes (none when idle: the workers hash then does not exist)
Output: "OK"
]]
redis.call("SETEX", KEYS[1], ARGV[1], ARGV[2])
redis.call("DEL", KEYS[2])
for i = 3, #ARGV, 1000 do
  redis.call("HSET", KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call("EXPIRE", KEYS[2], ARGV[1])
return redis.status_reply("OK")
