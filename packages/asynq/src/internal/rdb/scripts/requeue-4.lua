--[[
Requeue: a task aborted by shutdown goes back to the head of pending (asynq: requeueCmd, spec §6.4.5).
No pending_since is written (as in Go). Vigil also publishes a wake-up for idle Vigil servers.
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:pending   RPUSH, so the task is the next to be dequeued
KEYS[4] -> asynq:{<q>}:t:<id>
ARGV[1] -> task id
ARGV[2] -> wake channel vigil:{<q>}:wake ("" = do not publish)
Output:
  "OK"  (hash: state=pending)
  error "NOT FOUND" -> the id was not in active or not in lease (earlier steps stay applied)
]]
if redis.call("LREM", KEYS[1], 0, ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
if redis.call("ZREM", KEYS[2], ARGV[1]) == 0 then
  return redis.error_reply("NOT FOUND")
end
redis.call("RPUSH", KEYS[3], ARGV[1])
redis.call("HSET", KEYS[4], "state", "pending")
if ARGV[2] ~= "" then
  redis.call("PUBLISH", ARGV[2], "")
end
return redis.status_reply("OK")
