--[[
Appends log lines of one task (Vigil addition, no asynq counterpart): XADD each line with an exact MAXLEN so
only the newest ARGV[1] lines stay, then refresh the key's TTL.
KEYS[1] -> vigil:{<q>}:logs:<id>   STREAM; entry fields ts, level, msg, fields, retried
ARGV[1] -> lines kept (>= 1)
ARGV[2] -> TTL of the key, milliseconds
ARGV[3] -> retries consumed before the attempt that logged (stored as `retried` in each entry)
ARGV[4..] -> 4 values per line: time (epoch ms, the server's clock), level (info|warn|error), message,
             fields (a JSON object, or "" for none)
Output: the number of lines appended
]]
local n = 0
for i = 4, #ARGV, 4 do
  redis.call("XADD", KEYS[1], "MAXLEN", ARGV[1], "*",
    "ts", ARGV[i], "level", ARGV[i + 1], "msg", ARGV[i + 2], "fields", ARGV[i + 3], "retried", ARGV[3])
  n = n + 1
end
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return n
