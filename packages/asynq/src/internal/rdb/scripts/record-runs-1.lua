--[[
Vigil's side of a finalization batch (no asynq counterpart), sent in the same pipeline as the finalize
scripts: appends finished attempts to the queue's run history (trimmed by age and count) and deletes the
checkpoints of tasks that finished for good.
KEYS[1] -> vigil:{<q>}:runs   ZSET; score = finish epoch ms, member = JSON
           {taskId, type, queue, startMs, durationMs, outcome, error}
ARGV[1] -> age cutoff, epoch ms: records scored at or below it are dropped
ARGV[2] -> records kept, newest first ("0" = history off: only checkpoints are deleted)
ARGV[3] -> TTL of the history key, milliseconds (the retention)
ARGV[4] -> checkpoint key prefix vigil:{<q>}:checkpoint:
ARGV[5] -> k, the number of task ids whose checkpoint is deleted
ARGV[6..5+k] -> those task ids
ARGV[6+k] -> the records, one per line: "<score> <member>" (score = finish epoch ms, member = the JSON record,
             which holds no raw newline); "" for none
Output: the number of history records added
]]
local k = tonumber(ARGV[5])
for i = 6, 5 + k do
  redis.call("DEL", ARGV[4] .. ARGV[i])
end
local keep = tonumber(ARGV[2])
local packed = ARGV[6 + k]
if keep <= 0 or packed == nil or packed == "" then
  return 0
end
local added = 0
local args = {}
for line in string.gmatch(packed, "[^\n]+") do
  local sp = string.find(line, " ", 1, true)
  args[#args + 1] = string.sub(line, 1, sp - 1)
  args[#args + 1] = string.sub(line, sp + 1)
  if #args >= 500 then
    added = added + redis.call("ZADD", KEYS[1], unpack(args))
    args = {}
  end
end
if #args > 0 then
  added = added + redis.call("ZADD", KEYS[1], unpack(args))
end
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
redis.call("ZREMRANGEBYRANK", KEYS[1], 0, -keep - 1)
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return added
