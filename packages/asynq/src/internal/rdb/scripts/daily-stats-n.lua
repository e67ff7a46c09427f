--[[
Daily processed/failed counters of one queue (asynq: historicalStatsCmd, spec §10.4). Read-only.
KEYS[1] -> asynq:{<q>}:processed:<day 0>   (today)
KEYS[2] -> asynq:{<q>}:failed:<day 0>
KEYS[3] -> asynq:{<q>}:processed:<day 1>   (yesterday), and so on in pairs
ARGV    -> none
Output: one counter per key, in key order, as text ("0" when the key is missing)
]]
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call("GET", key)
  if v then
    out[i] = v
  else
    out[i] = "0"
  end
end
return out
