-- POST a body of `size` bytes (default 1 MiB) to the URL.
-- Usage: wrk ... -s post.lua <url> -- <size>
init = function(args)
  local size = tonumber(args[1]) or 1048576
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.body = string.rep("p", size)
  req = wrk.format()
end

request = function()
  return req
end
