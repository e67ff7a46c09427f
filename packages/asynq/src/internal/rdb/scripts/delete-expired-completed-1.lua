--[[
Janitor: delete completed tasks whose retention has run out (asynq: deleteExpiredCompletedTasksCmd, spec §6.10).
KEYS[1] -> asynq:{<q>}:completed   score = expiry (completed_at + retention)
ARGV[1] -> now, unix seconds
ARGV[2] -> task key prefix asynq:{<q>}:t:
ARGV[3] -> batch size (Go: 100)
Output: the number of tasks deleted (<= ARGV[3]); call again until it returns 0
]]
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call("DEL", ARGV[2] .. id)
  redis.call("ZREM", KEYS[1], id)
end
return #ids
