--[[
Members of a heartbeat zset that have not expired, pruning expired ones (asynq: listServerKeysCmd,
listWorkersCmd, listSchedulerKeysCmd; spec §7.3).
KEYS[1] -> asynq:servers | asynq:workers | asynq:schedulers   member = key, score = expiry unix s
ARGV[1] -> now, unix seconds
Output: array of members whose score is >= now (ascending score); members with score <= now - 1
  are removed
]]
local now = tonumber(ARGV[1])
local live = redis.call("ZRANGEBYSCORE", KEYS[1], now, "+inf")
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - 1)
return live
