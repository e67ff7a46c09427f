--[[
Groups of one queue and their sizes (asynq: groupStatsCmd, spec §15.1). Read-only.
KEYS[1] -> asynq:{<q>}:groups   group names set
ARGV[1] -> asynq:{<q>}:g:       group key prefix
Output: flat array name1, size1, name2, size2, ... (SMEMBERS order)
]]
local out = {}
for _, name in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  out[#out + 1] = name
  out[#out + 1] = redis.call("ZCARD", ARGV[1] .. name)
end
return out
