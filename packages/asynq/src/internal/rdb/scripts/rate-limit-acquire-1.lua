--[[
Takes start slots from a shared sliding-window rate limit (Vigil addition, no asynq counterpart): at most
ARGV[1] starts in any window of ARGV[2] ms, on Redis's clock (TIME) so every server sees one time.
The ZSET holds past starts and reserved future slots; slots are handed out in time order, so a new slot only
has to respect the window that ends at it. A task over the limit reserves the earliest free slot (member =
its id) and is told how long to wait; when it comes back at (or after) that slot it uses the reservation.
KEYS[1] -> vigil:{<q>}:rate:queue | vigil:{<q>}:rate:type:<t> | vigil:rate:type:<t>
           ZSET; score = slot, epoch ms; member `<id>` = reserved slot not used yet, `<id>@<ms>` = a start
ARGV[1] -> limit: starts allowed per window (>= 1)
ARGV[2] -> window length, milliseconds (>= 1)
ARGV[3..] -> task ids asking to start now
Output: one integer per id, in order: 0 -> start now (counted); N > 0 -> wait N ms (slot reserved)
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - per)
local out = {}
local last = now
for i = 3, #ARGV do
  local id = ARGV[i]
  local reserved = redis.call("ZSCORE", KEYS[1], id)
  local wait = 0
  if reserved then
    local s = tonumber(reserved)
    if s <= now then
      -- the reservation becomes the start record, so a later attempt of the same task is counted anew
      redis.call("ZREM", KEYS[1], id)
      redis.call("ZADD", KEYS[1], s, id .. "@" .. s)
    else
      wait = s - now
    end
  else
    local slot = now
    local top = redis.call("ZRANGE", KEYS[1], -1, -1, "WITHSCORES")
    if top[2] and tonumber(top[2]) > slot then
      slot = tonumber(top[2])
    end
    local n = redis.call("ZCARD", KEYS[1])
    if n >= limit then
      local r = redis.call("ZRANGE", KEYS[1], n - limit, n - limit, "WITHSCORES")
      local free = tonumber(r[2]) + per
      if free > slot then
        slot = free
      end
    end
    if slot <= now then
      redis.call("ZADD", KEYS[1], now, id .. "@" .. now)
    else
      redis.call("ZADD", KEYS[1], slot, id)
      wait = slot - now
    end
  end
  if now + wait > last then
    last = now + wait
  end
  out[#out + 1] = wait
end
redis.call("PEXPIRE", KEYS[1], last - now + per + 60000)
return out
