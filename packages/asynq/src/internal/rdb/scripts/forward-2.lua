--[[
Forward: move due scheduled or retry tasks to pending, or back into their group when the hash carries a
`group` field (asynq: forwardCmd, spec §6.8; the group branch does not touch the groups SET, quirk Q9).
KEYS[1] -> asynq:{<q>}:scheduled or asynq:{<q>}:retry   source ZSET (score = due time)
KEYS[2] -> asynq:{<q>}:pending
ARGV[1] -> now, unix seconds (members scored <= now are due; also the group score)
ARGV[2] -> task key prefix asynq:{<q>}:t:
ARGV[3] -> now, unix nanoseconds (pending_since)
ARGV[4] -> group key prefix asynq:{<q>}:g:
ARGV[5] -> wake channel vigil:{<q>}:wake, published once when something became pending ("" = never)
ARGV[6] -> batch size (Go: 100)
A due id whose task hash is missing is only removed from the source (Go would create a stub hash).
Output: the number of due ids handled (<= ARGV[6]); call again while it equals ARGV[6]
]]
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, tonumber(ARGV[6]))
local pending = 0
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  redis.call("ZREM", KEYS[1], id)
  if redis.call("EXISTS", key) == 1 then
    local group = redis.call("HGET", key, "group")
    if group and group ~= "" then
      redis.call("ZADD", ARGV[4] .. group, ARGV[1], id)
      redis.call("HSET", key, "state", "aggregating")
    else
      redis.call("LPUSH", KEYS[2], id)
      redis.call("HSET", key, "state", "pending", "pending_since", ARGV[3])
      pending = pending + 1
    end
  end
end
if pending > 0 and ARGV[5] ~= "" then
  redis.call("PUBLISH", ARGV[5], "")
end
return #ids
