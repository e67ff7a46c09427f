--[[
One page of a task zset (scheduled, retry, archived, completed or a group) with each task's hash
fields (asynq: listZSetEntriesCmd, spec §15.1). Read-only; O(log n + page size).
KEYS[1] -> asynq:{<q>}:scheduled | retry | archived | completed | g:<group>   task id zset
ARGV[1] -> ZRANGE start (0-based rank, ascending score)
ARGV[2] -> ZRANGE stop
ARGV[3] -> asynq:{<q>}:t:                                                    task key prefix
Output: flat array, 5 values per task, lowest score first:
  id, score (text), msg (false when absent), state (false when absent), result (false when absent)
]]
local out = {}
local page = redis.call("ZRANGE", KEYS[1], ARGV[1], ARGV[2], "WITHSCORES")
for i = 1, #page, 2 do
  local id = page[i]
  local h = redis.call("HMGET", ARGV[3] .. id, "msg", "state", "result")
  out[#out + 1] = id
  out[#out + 1] = page[i + 1]
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
  out[#out + 1] = h[3]
end
return out
