--[[
List lease-expired tasks for the recoverer (asynq v0.25+: listLeaseExpiredCmd, spec §6.9).
KEYS[1] -> asynq:{<q>}:lease
KEYS[2] -> asynq:{<q>}:active
ARGV[1] -> cutoff, unix seconds (now - 30 s): leases scored <= cutoff are expired
ARGV[2] -> task key prefix asynq:{<q>}:t:
An expired id whose hash is missing or has no msg is skipped, as in Go, and also removed from active and
lease (a msg-less stub hash is deleted), so ids stranded by Go's quirk Q6 do not stay forever.
Output: {id1, msg1, id2, msg2, ...} for the expired tasks that have a msg
]]
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  local msg = redis.call("HGET", key, "msg")
  if msg then
    out[#out + 1] = id
    out[#out + 1] = msg
  else
    redis.call("LREM", KEYS[2], 0, id)
    redis.call("ZREM", KEYS[1], id)
    redis.call("DEL", key)
  end
end
return out
