--[[
One chunk of a task list (pending or active) for Inspector search (a Vigil addition; no Go
counterpart). Positions count from the oldest end (the right): position 0 is the next task to run.
Read-only; O(count + window) plus the list walk to the position.
KEYS[1] -> asynq:{<q>}:pending or asynq:{<q>}:active   task id list
KEYS[2] -> asynq:{<q>}:lease                            lease zset (read only when ARGV[6] is "1")
ARGV[1] -> position to start at (0 = oldest)
ARGV[2] -> anchor: the id last seen, expected at position ARGV[1] - 1; "" for none. When the list
           moved, the anchor is looked for within ARGV[5] positions either side and the chunk starts
           right after it; when it is not found the chunk starts at ARGV[1]
ARGV[3] -> most tasks to return
ARGV[4] -> asynq:{<q>}:t:                               task key prefix
ARGV[5] -> anchor window
ARGV[6] -> "1" to read lease scores (active), "0" not to
Output: flat array: start position used, list length, then 5 values per task, oldest first:
  id, msg (false when absent), state (false when absent), pending_since (false when absent),
  lease score (false when not read or absent)
]]
local key = KEYS[1]
local pos = tonumber(ARGV[1])
local anchor = ARGV[2]
local count = tonumber(ARGV[3])
local window = tonumber(ARGV[5])
local len = redis.call("LLEN", key)

if anchor ~= "" and pos > 0 and redis.call("LINDEX", key, -pos) ~= anchor then
  local expected = pos - 1
  local lo = math.max(0, expected - window)
  local hi = math.min(len - 1, expected + window)
  if hi >= lo then
    -- LRANGE returns the newest first: item j sits at position hi - j + 1.
    local ids = redis.call("LRANGE", key, -(hi + 1), -(lo + 1))
    local best = nil
    for j, id in ipairs(ids) do
      if id == anchor then
        local p = hi - j + 1
        if best == nil or math.abs(p - expected) < math.abs(best - expected) then
          best = p
        end
      end
    end
    if best ~= nil then
      pos = best + 1
    end
  end
end

local out = { pos, len }
if pos < len and count > 0 then
  local last = math.min(len - 1, pos + count - 1)
  local ids = redis.call("LRANGE", key, -(last + 1), -(pos + 1))
  for j = #ids, 1, -1 do
    local id = ids[j]
    local h = redis.call("HMGET", ARGV[4] .. id, "msg", "state", "pending_since")
    out[#out + 1] = id
    out[#out + 1] = h[1]
    out[#out + 1] = h[2]
    out[#out + 1] = h[3]
    if ARGV[6] == "1" then
      out[#out + 1] = redis.call("ZSCORE", KEYS[2], id)
    else
      out[#out + 1] = false
    end
  end
end
return out
