-- wslab_rooms.lua: the Lua twin of the wslab plugin's rooms dissector, for Wireshark versions the
-- C plugin was not built for (it loads only into Wireshark 4.0.x). It decodes the
-- `wslab.rooms.v1` WebSocket subprotocol (docs/rooms-protocol.md): one JSON object per text
-- message, with the same field names as the C plugin (wslab.type, wslab.room, wslab.user, ...)
-- and the main warnings (bad JSON, a missing or unknown type, a message sent the wrong way, a
-- missing required member, a non-integer sequence number).
--
-- Install: copy this file into the personal Lua plugin folder (Help > About Wireshark > Folders,
-- "Personal Lua Plugins", e.g. ~/.local/lib/wireshark/plugins/), or run
--   tshark -X lua_script:wslab_rooms.lua -r capture.pcapng -Y wslab
--
-- Differences from the C plugin: no RFC 6455 frame checks (the wslab6455 post-dissector); the
-- direction of a message is read from the WebSocket MASK bit (clients mask, RFC 6455 §5.1)
-- instead of the handshake; Wireshark's Lua API has no JSON parser, so a small reader below
-- turns the message into values with byte offsets (strict RFC 8259, nesting limited to 16).

local ok, rooms = pcall(Proto, "wslab", "WS Lab Rooms (wslab.rooms.v1, Lua)")
if not ok then
  -- The C plugin is loaded and already owns the name "wslab": let it do the work.
  print("wslab_rooms.lua: protocol 'wslab' already registered (C plugin loaded?); Lua twin not used")
  return
end

local F = {
  type = ProtoField.string("wslab.type", "Message type"),
  room = ProtoField.string("wslab.room", "Room"),
  user = ProtoField.string("wslab.user", "User", "Any user name in the message (name, from, to, members)"),
  name = ProtoField.string("wslab.name", "Name"),
  from = ProtoField.string("wslab.from", "From"),
  to = ProtoField.string("wslab.to", "To"),
  text = ProtoField.string("wslab.text", "Text"),
  seq = ProtoField.uint64("wslab.seq", "Sequence number"),
  since = ProtoField.uint64("wslab.since", "Since"),
  ts = ProtoField.absolute_time("wslab.ts", "Server time", base.UTC),
  ref = ProtoField.string("wslab.ref", "Ref"),
  active = ProtoField.bool("wslab.active", "Typing"),
  action = ProtoField.string("wslab.action", "Presence action"),
  reason = ProtoField.string("wslab.reason", "Leave reason"),
  code = ProtoField.string("wslab.code", "Error code"),
  message = ProtoField.string("wslab.message", "Error message"),
  request = ProtoField.string("wslab.request", "Failed request type"),
  protocol = ProtoField.string("wslab.protocol", "Protocol"),
  member = ProtoField.string("wslab.member", "Member"),
  history = ProtoField.uint32("wslab.history", "History messages"),
  replayed = ProtoField.bool("wslab.replayed", "Replayed"),
  truncated = ProtoField.bool("wslab.truncated", "Truncated"),
  reset = ProtoField.bool("wslab.reset", "Reset"),
  limits = ProtoField.none("wslab.limits", "Limits"),
  limit = ProtoField.string("wslab.limit", "Limit", "name=value"),
  other = ProtoField.string("wslab.other", "Other member"),
}
local field_list = {}
for _, f in pairs(F) do field_list[#field_list + 1] = f end
rooms.fields = field_list

local E = {
  bad_json = ProtoExpert.new("wslab.bad_json", "Not a JSON object", expert.group.MALFORMED, expert.severity.WARN),
  no_type = ProtoExpert.new("wslab.no_type", "No string \"type\" member", expert.group.PROTOCOL, expert.severity.WARN),
  unknown_type = ProtoExpert.new("wslab.unknown_type", "Unknown message type", expert.group.PROTOCOL, expert.severity.WARN),
  wrong_direction = ProtoExpert.new("wslab.wrong_direction", "Message type sent in the wrong direction",
                                    expert.group.PROTOCOL, expert.severity.WARN),
  missing_member = ProtoExpert.new("wslab.missing_member", "Required member missing", expert.group.PROTOCOL, expert.severity.WARN),
  bad_member = ProtoExpert.new("wslab.bad_member", "Member of the wrong JSON type", expert.group.PROTOCOL, expert.severity.WARN),
}
rooms.experts = { E.bad_json, E.no_type, E.unknown_type, E.wrong_direction, E.missing_member, E.bad_member }

local ws_mask = Field.new("websocket.mask")
local json_dissector = Dissector.get("json")

---------------------------------------------------------------------------------------------------
-- A small strict JSON reader. Each value is a table {kind=..., value=..., first=, last=} where
-- first/last are 1-based byte positions in the message; objects keep their members in order.
local MAX_DEPTH = 16
local read_value

local function skip_ws(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local function utf8_char(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return string.char(0xE0 + math.floor(cp / 0x1000), 0x80 + math.floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end
  return string.char(0xF0 + math.floor(cp / 0x40000), 0x80 + math.floor(cp / 0x1000) % 0x40,
                     0x80 + math.floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

local ESCAPES = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }

local function read_string(s, i)
  local out, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == "" then return nil, "the text ends inside a string" end
    if c == '"' then break end
    if c:byte() < 0x20 then return nil, "a raw control character inside a string" end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      if ESCAPES[e] then
        out[#out + 1], j = ESCAPES[e], j + 2
      elseif e == "u" and s:sub(j + 2, j + 5):match("^%x%x%x%x$") then
        local cp = tonumber(s:sub(j + 2, j + 5), 16)
        j = j + 6
        if cp >= 0xD800 and cp <= 0xDBFF and s:sub(j, j + 1) == "\\u" and s:sub(j + 2, j + 5):match("^%x%x%x%x$") then
          local lo = tonumber(s:sub(j + 2, j + 5), 16)
          if lo >= 0xDC00 and lo <= 0xDFFF then
            cp, j = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00), j + 6
          end
        end
        out[#out + 1] = utf8_char(cp)
      else
        return nil, "an invalid character or escape"
      end
    else
      out[#out + 1], j = c, j + 1
    end
  end
  return { kind = "string", value = table.concat(out), first = i, last = j }, j + 1
end

local function read_number(s, i)
  local j = i
  if s:sub(j, j) == "-" then j = j + 1 end
  local int = s:match("^%d+", j)
  if not int or (#int > 1 and int:sub(1, 1) == "0") then return nil, "a bare word or a malformed number" end
  j = j + #int
  local integer = true
  if s:sub(j, j) == "." then
    local frac = s:match("^%d+", j + 1)
    if not frac then return nil, "a bare word or a malformed number" end
    j, integer = j + 1 + #frac, false
  end
  if s:sub(j, j) == "e" or s:sub(j, j) == "E" then
    local exp = s:match("^[-+]?%d+", j + 1)
    if not exp then return nil, "a bare word or a malformed number" end
    j, integer = j + 1 + #exp, false
  end
  return { kind = "number", value = s:sub(i, j - 1), integer = integer, first = i, last = j - 1 }, j
end

local function read_container(s, i, depth, close)
  if depth > MAX_DEPTH then return nil, "nested deeper than 16 levels" end
  local node = { kind = close == "}" and "object" or "array", members = {}, items = {}, first = i }
  local j = skip_ws(s, i + 1)
  if s:sub(j, j) == close then node.last = j; return node, j + 1 end
  while true do
    if node.kind == "object" then
      if s:sub(j, j) ~= '"' then return nil, "an invalid character or escape" end
      local key, err = read_string(s, j)
      if not key then return nil, err end
      j = skip_ws(s, err)
      if s:sub(j, j) ~= ":" then return nil, "a missing colon after an object key" end
      local v, nj = read_value(s, skip_ws(s, j + 1), depth + 1)
      if not v then return nil, nj end
      node.members[#node.members + 1] = { key = key, value = v }
      j = skip_ws(s, nj)
    else
      local v, nj = read_value(s, j, depth + 1)
      if not v then return nil, nj end
      node.items[#node.items + 1] = v
      j = skip_ws(s, nj)
    end
    local c = s:sub(j, j)
    if c == close then node.last = j; return node, j + 1 end
    if c ~= "," then return nil, c == "" and "the text ends before the value does" or "a missing or doubled comma" end
    j = skip_ws(s, j + 1)
    if s:sub(j, j) == close then return nil, "a trailing comma or stray bytes before a closing bracket" end
  end
end

read_value = function(s, i, depth)
  local c = s:sub(i, i)
  if c == "{" then return read_container(s, i, depth, "}") end
  if c == "[" then return read_container(s, i, depth, "]") end
  if c == '"' then return read_string(s, i) end
  if c == "-" or c:match("%d") then return read_number(s, i) end
  for _, lit in ipairs({ "true", "false", "null" }) do
    if s:sub(i, i + #lit - 1) == lit then
      return { kind = lit == "null" and "null" or "bool", value = (lit == "true"), first = i, last = i + #lit - 1 }, i + #lit
    end
  end
  if c == "" then return nil, "the text ends before the value does" end
  if c:match("%a") then return nil, "a bare word or a malformed number" end
  return nil, "an invalid character or escape"
end

-- The whole message: one value, nothing after it.
local function read_json(s)
  if #s == 0 then return nil, "an empty message" end
  if s:find("%z") then return nil, "a NUL byte" end
  local v, j = read_value(s, skip_ws(s, 1), 1)
  if not v then return nil, j end
  if skip_ws(s, j) <= #s then return nil, "more than one value, or bytes after the value" end
  return v
end

---------------------------------------------------------------------------------------------------
-- The message table (docs/rooms-protocol.md §4, §5): each type's members in the spec's order,
-- with their kind; "!" marks a required member.
local CLIENT, SERVER = "client-to-server", "server-to-client"
local SCHEMA = {
  [CLIENT] = {
    hello = { { "name", "string" }, { "ref", "ref" } },
    join = { { "room", "string!" }, { "since", "uint" }, { "ref", "ref" } },
    leave = { { "room", "string!" }, { "ref", "ref" } },
    say = { { "room", "string!" }, { "text", "string!" }, { "ref", "ref" } },
    private = { { "to", "string!" }, { "text", "string!" }, { "ref", "ref" } },
    typing = { { "room", "string!" }, { "active", "bool!" }, { "ref", "ref" } },
    ping = { { "ref", "ref" } },
  },
  [SERVER] = {
    welcome = { { "name", "string!" }, { "protocol", "string!" }, { "limits", "object!" }, { "ref", "ref" } },
    joined = { { "room", "string!" }, { "seq", "uint!" }, { "members", "strings!" }, { "history", "uint!" },
               { "truncated", "bool!" }, { "reset", "bool!" }, { "ref", "ref" } },
    left = { { "room", "string!" }, { "ref", "ref" } },
    message = { { "room", "string!" }, { "seq", "uint!" }, { "from", "string!" }, { "text", "string!" },
                { "ts", "uint!" }, { "history", "bool" } },
    presence = { { "room", "string!" }, { "name", "string!" }, { "action", "string!" }, { "reason", "string" } },
    private = { { "from", "string!" }, { "to", "string!" }, { "text", "string!" }, { "ts", "uint!" } },
    typing = { { "room", "string!" }, { "from", "string!" }, { "active", "bool!" } },
    pong = { { "ref", "ref" } },
    error = { { "code", "string!" }, { "message", "string!" }, { "request", "string" }, { "ref", "ref" } },
  },
}
local KIND_TEXT = { string = "a string", uint = "an integer in 0 .. 2^53-1", bool = "true or false",
                    ref = "a string of at most 64 bytes or an integer", strings = "an array of strings",
                    object = "an object" }

local MAX_INT = 9007199254740991
local function is_uint(v)
  return v.kind == "number" and v.integer and v.value:sub(1, 1) ~= "-" and #v.value <= 16
         and tonumber(v.value) <= MAX_INT
end

local function kind_matches(v, kind)
  if kind == "string" then return v.kind == "string" end
  if kind == "uint" then return is_uint(v) end
  if kind == "bool" then return v.kind == "bool" end
  if kind == "object" then return v.kind == "object" end
  if kind == "ref" then
    if v.kind == "string" then return #v.value <= 64 end
    return v.kind == "number" and v.integer and #v.value <= 17 and math.abs(tonumber(v.value)) <= MAX_INT
  end
  if kind == "strings" then
    if v.kind ~= "array" then return false end
    for _, item in ipairs(v.items) do if item.kind ~= "string" then return false end end
    return true
  end
  return false
end

---------------------------------------------------------------------------------------------------
local function range_of(tvb, v) return tvb(v.first - 1, v.last - v.first + 1) end
local function raw(s, v) return s:sub(v.first, v.last) end

local function add_user(tree, tvb, v)
  local it = tree:add(F.user, range_of(tvb, v), v.value)
  it:set_generated()
  it:set_hidden()
end

local STRING_FIELDS = { type = F.type, room = F.room, name = F.name, from = F.from, to = F.to, text = F.text,
                        action = F.action, reason = F.reason, code = F.code, message = F.message,
                        request = F.request, protocol = F.protocol }
local USER_FIELDS = { name = true, from = true, to = true }
local BOOL_FIELDS = { active = F.active, truncated = F.truncated, reset = F.reset }

local function add_member(tree, tvb, s, key, v)
  local r = range_of(tvb, v)
  if STRING_FIELDS[key] and v.kind == "string" then
    tree:add(STRING_FIELDS[key], r, v.value)
    if USER_FIELDS[key] then add_user(tree, tvb, v) end
  elseif BOOL_FIELDS[key] and v.kind == "bool" then
    tree:add(BOOL_FIELDS[key], r, v.value)
  elseif (key == "seq" or key == "since") and is_uint(v) then
    tree:add(F[key], r, UInt64.fromhex(string.format("%x", tonumber(v.value))))
  elseif key == "ts" and is_uint(v) then
    local ms = tonumber(v.value)
    tree:add(F.ts, r, NSTime.new(math.floor(ms / 1000), (ms % 1000) * 1000000))
  elseif key == "history" and v.kind == "bool" then
    tree:add(F.replayed, r, v.value)
  elseif key == "history" and is_uint(v) then
    tree:add(F.history, r, tonumber(v.value))
  elseif key == "ref" and (v.kind == "string" or v.kind == "number") then
    tree:add(F.ref, r, v.kind == "string" and v.value or raw(s, v))
  elseif key == "members" and v.kind == "array" then
    for _, item in ipairs(v.items) do
      if item.kind == "string" then
        tree:add(F.member, range_of(tvb, item), item.value)
        add_user(tree, tvb, item)
      else
        tree:add(F.other, range_of(tvb, item), key .. "=" .. raw(s, item)):set_text(key .. ": " .. raw(s, item))
      end
    end
  elseif key == "limits" and v.kind == "object" then
    local lt = tree:add(F.limits, range_of(tvb, v))
    for _, m in ipairs(v.members) do
      local text = m.value.kind == "string" and m.value.value or raw(s, m.value)
      local lr = tvb(m.key.first - 1, m.value.last - m.key.first + 1)
      lt:add(F.limit, lr, m.key.value .. "=" .. text):set_text(m.key.value .. ": " .. text)
    end
  else
    tree:add(F.other, r, key .. "=" .. raw(s, v)):set_text(key .. ": " .. raw(s, v))
  end
end

local function member_value(obj, name)
  for _, m in ipairs(obj.members) do
    if m.key.value == name then return m.value end
  end
  return nil
end

local function direction()
  local masks = { ws_mask() }
  if #masks == 0 then return nil end
  return masks[#masks].value and CLIENT or SERVER -- the header of the frame being dissected
end

-- Checks the type and the members; returns the text for the Info column.
local function check_type(ti, s, obj)
  local tv = member_value(obj, "type")
  if not tv then
    ti:add_proto_expert_info(E.no_type, "Rooms message has no \"type\" member (rooms protocol §2)")
    return "[no type]"
  end
  if tv.kind ~= "string" then
    ti:add_proto_expert_info(E.no_type, "Rooms message \"type\" is " .. raw(s, tv) .. ", not a string")
    return "[no type]"
  end
  local t = tv.value
  if not SCHEMA[CLIENT][t] and not SCHEMA[SERVER][t] then
    ti:add_proto_expert_info(E.unknown_type, "Unknown rooms message type \"" .. t .. "\"")
    return t .. " [unknown type]"
  end
  local dir = direction()
  if dir and not SCHEMA[dir][t] then
    local other = dir == CLIENT and SERVER or CLIENT
    ti:add_proto_expert_info(E.wrong_direction, "\"" .. t .. "\" is a " .. other .. " message but was sent " .. dir)
    return t .. " [wrong direction]"
  end
  local rule = dir and SCHEMA[dir][t] or (SCHEMA[CLIENT][t] and not SCHEMA[SERVER][t] and SCHEMA[CLIENT][t])
               or (SCHEMA[SERVER][t] and not SCHEMA[CLIENT][t] and SCHEMA[SERVER][t])
  if not rule then return t end
  for _, spec in ipairs(rule) do
    local name = spec[1]
    local kind, required = spec[2]:gsub("!", "")
    local v = member_value(obj, name)
    if not v then
      if required > 0 then
        ti:add_proto_expert_info(E.missing_member, "\"" .. t .. "\" lacks the required member \"" .. name .. "\"")
      end
    elseif not kind_matches(v, kind) then
      ti:add_proto_expert_info(E.bad_member, "\"" .. name .. "\" in \"" .. t .. "\" must be " .. KIND_TEXT[kind]
                                             .. ", not " .. raw(s, v))
    end
  end
  return t
end

-- The Info column: type, then whichever of room, #seq, name/from, -> to, code, action and text
-- the message has, e.g. `message lobby #1 alice-2: I am alice` (as the C plugin).
local SUMMARY = { { "room", " " }, { "seq", " #" }, { "name", " " }, { "from", " " }, { "to", " -> " },
                  { "code", " " }, { "action", " " }, { "text", ": " } }
local function summary(obj, text)
  for _, part in ipairs(SUMMARY) do
    local v = member_value(obj, part[1])
    if v and v.kind == "string" then
      local t = v.value
      if #t > 40 then t = t:sub(1, 37) .. "..." end -- bytes, not characters: close enough here
      text = text .. part[2] .. t
    elseif v and is_uint(v) then
      text = text .. part[2] .. v.value
    end
  end
  return text
end

local function dissect_message(tvb, pinfo, tree, s, value, err)
  local ti = tree:add(rooms, tvb())
  local info
  if not value then
    ti:add_proto_expert_info(E.bad_json, "Not valid JSON: " .. err)
    info = "[bad JSON]"
  elseif value.kind ~= "object" then
    ti:add_proto_expert_info(E.bad_json, "Not a JSON object: a message must be one object")
    info = "[not an object]"
  else
    for _, m in ipairs(value.members) do add_member(ti, tvb, s, m.key.value, m.value) end
    info = summary(value, check_type(ti, s, value))
    if json_dissector then json_dissector:call(tvb, pinfo, tree) end
  end
  ti:append_text(": " .. info)
  pinfo.cols.protocol = "WSLAB"
  pinfo.cols.info = "Rooms " .. info .. " "
  pinfo.cols.info:fence() -- keep this text when more WebSocket frames follow in the packet
  return tvb:len()
end

function rooms.dissector(tvb, pinfo, tree)
  local s = tvb:raw()
  local value, err = read_json(s)
  return dissect_message(tvb, pinfo, tree, s, value, err)
end

-- Negotiated subprotocol (the server's 101 response names it): Wireshark's ws.protocol table.
DissectorTable.get("ws.protocol"):add("wslab.rooms.v1", rooms)

-- No handshake captured, or no subprotocol: a JSON object whose "type" is a rooms type.
rooms:register_heuristic("ws", function(tvb, pinfo, tree)
  if tvb:len() < 2 or tvb:len() > 65536 then return false end
  local s = tvb:raw()
  if not s:match("^[ \t\r\n]*{") then return false end
  local value = read_json(s)
  if not value or value.kind ~= "object" then return false end
  local t = member_value(value, "type")
  if not t or t.kind ~= "string" or not (SCHEMA[CLIENT][t.value] or SCHEMA[SERVER][t.value]) then return false end
  dissect_message(tvb, pinfo, tree, s, value, nil)
  return true
end)
