--[[
Batch success of many tasks of one queue: each item is finalized exactly as done (spec §6.4.1) or
mark-as-complete (§6.4.2) would, including its unique-lock release; counters move once per success.
Then Vigil's side of the batch: appends the finished attempts of the queue's batch (successes and failures)
to its run history, trimmed by age and count, and deletes the checkpoints of tasks that finished for good.
Vigil addition (no Go equivalent): one script call per queue per batch for all of it.
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:completed
KEYS[4] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counter of the UTC date of now
KEYS[5] -> asynq:{<q>}:processed                 all-time counter
KEYS[6] -> vigil:{<q>}:runs   run history ZSET; score = finish epoch ms, member = JSON
           {taskId, type, queue, startMs, durationMs, outcome, error}
KEYS[7..] -> unique lock keys referenced by items (msg.unique_key)
ARGV[1] -> stats expiry, unix seconds (now + 90 days)
ARGV[2] -> MAXI64 "9223372036854775807"
ARGV[3] -> task key prefix asynq:{<q>}:t:
ARGV[4] -> history age cutoff, epoch ms: records scored at or below it are dropped
ARGV[5] -> history records kept, newest first ("0" = history off)
ARGV[6] -> TTL of the history key, milliseconds (the retention)
ARGV[7] -> checkpoint key prefix vigil:{<q>}:checkpoint:
ARGV[8] -> k, the number of task ids whose checkpoint is deleted
ARGV[9] -> r, the number of history records
ARGV[10..9+k] -> those task ids
ARGV[10+k..9+k+2r] -> the records, 2 values each: score (finish epoch ms), member (the JSON record)
ARGV[10+k+2r..] -> 4 values per item: task id; completed expiry in unix seconds ("0" = done: delete the
             task); the re-encoded msg ("" for done); index into KEYS of its unique lock ("0" = none)
Output: one integer per item, in order:
   1 -> finalized
   0 -> NOT FOUND: not in active (nothing written)
  -1 -> NOT FOUND: not in lease (removed from active, as the single-task script leaves it)
  -2 -> NOT FOUND: done and the task hash was missing (removed from active and lease)
  -3 -> INTERNAL: complete and the id was already in completed (removed from active and lease)
The history and checkpoint writes are best effort (pcall): their errors never change the output.
]]
local k = tonumber(ARGV[8])
local r = tonumber(ARGV[9])
local first = 10 + k + 2 * r
local out = {}
local ok = 0
for i = first, #ARGV, 4 do
  local id = ARGV[i]
  local code = 1
  if redis.call("LREM", KEYS[1], 0, id) == 0 then
    code = 0
  elseif redis.call("ZREM", KEYS[2], id) == 0 then
    code = -1
  elseif ARGV[i + 1] == "0" then
    if redis.call("DEL", ARGV[3] .. id) == 0 then
      code = -2
    end
  elseif redis.call("ZADD", KEYS[3], ARGV[i + 1], id) ~= 1 then
    code = -3
  else
    redis.call("HSET", ARGV[3] .. id, "msg", ARGV[i + 2], "state", "completed")
  end
  if code == 1 then
    ok = ok + 1
    local lock = tonumber(ARGV[i + 3])
    if lock > 0 and redis.call("GET", KEYS[lock]) == id then
      redis.call("DEL", KEYS[lock])
    end
  end
  out[#out + 1] = code
end
if ok > 0 then
  -- INCRBY n ends where n INCRs end; one of them returned 1 exactly when the result r satisfies r - n < 1 <= r.
  local total = redis.call("INCRBY", KEYS[4], ok)
  if total >= 1 and total - ok <= 0 then
    redis.call("EXPIREAT", KEYS[4], ARGV[1])
  end
  local n = ok
  if redis.call("GET", KEYS[5]) == ARGV[2] then
    redis.call("SET", KEYS[5], 1)
    n = n - 1
  end
  if n > 0 then
    local res = redis.pcall("INCRBY", KEYS[5], n)
    if type(res) == "table" and res.err then
      -- would pass MAXI64: step one success at a time, wrapping to 1 at MAXI64
      for _ = 1, n do
        if redis.call("GET", KEYS[5]) == ARGV[2] then
          redis.call("SET", KEYS[5], 1)
        else
          redis.call("INCR", KEYS[5])
        end
      end
    end
  end
end
for i = 10, 9 + k do
  redis.pcall("DEL", ARGV[7] .. ARGV[i])
end
local keep = tonumber(ARGV[5])
if keep > 0 and r > 0 then
  -- ZADD in chunks of 250 records (unpack stays far below Lua's stack limit)
  local from = 10 + k
  local last = first - 1
  while from <= last do
    local to = math.min(from + 499, last)
    redis.pcall("ZADD", KEYS[6], unpack(ARGV, from, to))
    from = to + 1
  end
  redis.pcall("ZREMRANGEBYSCORE", KEYS[6], "-inf", ARGV[4])
  local size = redis.pcall("ZCARD", KEYS[6])
  if type(size) == "number" and size > keep then
    redis.pcall("ZREMRANGEBYRANK", KEYS[6], 0, -keep - 1)
  end
  redis.pcall("PEXPIRE", KEYS[6], ARGV[6])
end
return out
