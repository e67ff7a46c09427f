--[[
Batch success of many tasks of one queue: each item is finalized exactly as done (spec §6.4.1) or
mark-as-complete (§6.4.2) would, including its unique-lock release; counters move once per success.
Vigil addition (no Go equivalent): one round trip for many finalizations.
KEYS[1] -> asynq:{<q>}:active
KEYS[2] -> asynq:{<q>}:lease
KEYS[3] -> asynq:{<q>}:completed
KEYS[4] -> asynq:{<q>}:processed:<YYYY-MM-DD>   daily counter of the UTC date of now
KEYS[5] -> asynq:{<q>}:processed                 all-time counter
KEYS[6..] -> unique lock keys referenced by items (msg.unique_key)
ARGV[1] -> stats expiry, unix seconds (now + 90 days)
ARGV[2] -> MAXI64 "9223372036854775807"
ARGV[3] -> task key prefix asynq:{<q>}:t:
ARGV[4..] -> 4 values per item: task id; completed expiry in unix seconds ("0" = done: delete the task);
             the re-encoded msg ("" for done); index into KEYS of its unique lock ("0" = none)
Output: one integer per item, in order:
   1 -> finalized
   0 -> NOT FOUND: not in active (nothing written)
  -1 -> NOT FOUND: not in lease (removed from active, as the single-task script leaves it)
  -2 -> NOT FOUND: done and the task hash was missing (removed from active and lease)
  -3 -> INTERNAL: complete and the id was already in completed (removed from active and lease)
]]
local out = {}
local ok = 0
for i = 4, #ARGV, 4 do
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
  local r = redis.call("INCRBY", KEYS[4], ok)
  if r >= 1 and r - ok <= 0 then
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
return out
