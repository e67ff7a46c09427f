--[[
Dequeue: move up to ARGV[3] tasks from pending to active, each as asynq's dequeue does
(asynq: dequeueCmd, spec §6.2; the batch form keeps the per-task end state of repeated calls).
KEYS[1] -> asynq:{<q>}:pending   LIST, popped from the right (oldest first)
KEYS[2] -> asynq:{<q>}:paused    STRING; when it exists nothing is taken
KEYS[3] -> asynq:{<q>}:active    LIST; taken ids end up at the left, newest-taken first (as RPOPLPUSH)
KEYS[4] -> asynq:{<q>}:lease     ZSET; score = ARGV[1]
ARGV[1] -> lease expiry, unix seconds (now + 30)
ARGV[2] -> task key prefix asynq:{<q>}:t:
ARGV[3] -> maximum number of tasks to take (>= 1)
Each taken task: hash state=active, pending_since deleted, ZADD lease.
Output:
  {} -> the queue is paused or pending is empty
  {id1, msg1, id2, msg2, ...} -> in the order taken; msgN is the msg bytes, or nil when the task hash is
     missing or has no msg. Such an id is NOT put in active/lease and a msg-less stub hash is deleted
     (Vigil fixes Go's quirk Q6, which strands the id in active + lease and creates a stub hash).
]]
if redis.call("EXISTS", KEYS[2]) == 1 then
  return {}
end
local ids = redis.call("RPOP", KEYS[1], tonumber(ARGV[3]))
if not ids then
  return {}
end
local out = {}
local taken = {}
local lease = {}
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  local msg = redis.call("HGET", key, "msg")
  if msg then
    redis.call("HSET", key, "state", "active")
    redis.call("HDEL", key, "pending_since")
    taken[#taken + 1] = id
    lease[#lease + 1] = ARGV[1]
    lease[#lease + 1] = id
  else
    redis.call("DEL", key)
  end
  out[#out + 1] = id
  out[#out + 1] = msg
end
for i = 1, #taken, 500 do
  redis.call("LPUSH", KEYS[3], unpack(taken, i, math.min(i + 499, #taken)))
end
for i = 1, #lease, 1000 do
  redis.call("ZADD", KEYS[4], unpack(lease, i, math.min(i + 999, #lease)))
end
return out
