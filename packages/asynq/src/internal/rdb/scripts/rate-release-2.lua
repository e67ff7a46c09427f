--[[
Releases rate-limited tasks at their reserved slot (Vigil addition): each id still in scheduled goes to the
head of pending (RPUSH, next to be dequeued: it holds a slot now), like the forwarder but on time to the ms.
If the releasing server is gone, Go's or Vigil's forwarder moves them at the next whole second instead.
KEYS[1] -> asynq:{<q>}:scheduled
KEYS[2] -> asynq:{<q>}:pending
ARGV[1] -> task key prefix asynq:{<q>}:t:
ARGV[2] -> now, unix nanoseconds (pending_since)
ARGV[3] -> wake channel vigil:{<q>}:wake, published once when something became pending ("" = never)
ARGV[4..] -> task ids
An id no longer in scheduled (deleted, run or archived meanwhile) is skipped; one whose hash is gone is only
removed from scheduled.
Output: the number of tasks moved to pending
]]
local moved = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  if redis.call("ZREM", KEYS[1], id) == 1 and redis.call("EXISTS", ARGV[1] .. id) == 1 then
    redis.call("RPUSH", KEYS[2], id)
    redis.call("HSET", ARGV[1] .. id, "state", "pending", "pending_since", ARGV[2])
    moved = moved + 1
  end
end
if moved > 0 and ARGV[3] ~= "" then
  redis.call("PUBLISH", ARGV[3], "")
end
return moved
