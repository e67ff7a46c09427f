--[[
Heartbeat clear on graceful shutdown (asynq: clearServerStateCmd, spec §7.2). The ZREMs from
asynq:servers / asynq:workers are separate commands sent just before.
KEYS[1] -> asynq:servers:{<host>:<pid>:<serverID>}
KEYS[2] -> asynq:workers:{<host>:<pid>:<serverID>}
Output: "OK"
]]
redis.call("DEL", KEYS[1])
redis.call("DEL", KEYS[2])
return redis.status_reply("OK")
