// The generators behind per-student protocol questions. Each solve() asks
// core for the answer; each make() only invents inputs (keys, payloads,
// masks, defects) and builds bytes with core's own encoders.
#include "wslab/quiz/generators.hpp"

#include <array>
#include <limits>

#include "wslab/close.hpp"
#include "wslab/crypto.hpp"
#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/http.hpp"

namespace wslab::quiz {

std::uint64_t Rng::next() {
  state_ += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t question_seed(std::string_view question_id, std::string_view student) {
  std::string material = "wslab.quiz.v1\n";
  material += question_id;
  material += '\n';
  material += student;
  const auto digest = sha1(material);
  std::uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | digest[static_cast<std::size_t>(i)];
  return seed;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (i != 0) out += ' ';
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

Result<std::string> parse_hex(std::string_view hex) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  std::size_t i = 0;
  while (i < hex.size()) {
    const char c = hex[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (i + 1 >= hex.size() || value(c) < 0 || value(hex[i + 1]) < 0) {
      return Error{"not a hex byte at offset " + std::to_string(i) + " of \"" + std::string(hex) +
                   "\""};
    }
    out += static_cast<char>(value(c) * 16 + value(hex[i + 1]));
    i += 2;
  }
  return out;
}

namespace {

const std::string& param(const Params& p, const char* key) {
  static const std::string kEmpty;
  auto it = p.find(key);
  return it == p.end() ? kEmpty : it->second;
}

template <typename T>
const T& pick(Rng& rng, std::span<const T> items) {
  return items[static_cast<std::size_t>(rng.below(items.size()))];
}

std::string random_key(Rng& rng) {
  std::string raw(16, '\0');
  for (auto& c : raw) c = static_cast<char>(rng.byte());
  return base64_encode(raw);
}

MaskKey random_mask(Rng& rng) {
  MaskKey m{};
  for (auto& b : m) b = static_cast<std::uint8_t>(1 + rng.below(255));  // no zero bytes
  return m;
}

// ---- accept-key -----------------------------------------------------------

Result<GeneratedAnswer> solve_accept(const Params& p) {
  const std::string& key = param(p, "key");
  if (key.empty()) return Error{"params.key is empty"};
  return GeneratedAnswer{compute_accept(key), {}};
}

Params make_accept(Rng& rng) {
  return {{"key", random_key(rng)}};
}

// ---- frames ---------------------------------------------------------------

struct DecodedFrame {
  FrameHeader header;
  std::string payload;
  bool complete = false;
};

// Decodes the first frame in `hex` with core's FrameDecoder, playing the
// receiving side the mask bit implies (masked -> we are the server).
Result<DecodedFrame> decode_first_frame(const std::string& hex) {
  auto bytes = parse_hex(hex);
  if (!bytes) return Error{bytes.error()};
  std::string buf = *bytes;
  if (buf.size() < 2) return Error{"a frame needs at least 2 bytes"};
  const bool masked = (static_cast<unsigned char>(buf[1]) & 0x80) != 0;
  DecoderLimits limits;
  limits.max_frame_payload = std::numeric_limits<std::uint64_t>::max() >> 1;
  FrameDecoder decoder(masked ? Role::kServer : Role::kClient, limits);
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(buf.data()), buf.size());
  DecodedFrame out;
  bool have_header = false;
  for (;;) {
    FrameDecoder::Event ev = decoder.next(in);
    switch (ev.kind) {
      case FrameDecoder::Kind::kNeedMore:
        if (!have_header) return Error{"the bytes end inside the frame header"};
        return out;
      case FrameDecoder::Kind::kError:
        return Error{"core rejects this frame: " + std::string(describe(ev.error))};
      case FrameDecoder::Kind::kHeader:
        out.header = ev.header;
        have_header = true;
        break;
      case FrameDecoder::Kind::kPayload:
        out.payload.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
        if (ev.frame_complete) {
          out.complete = true;
          return out;
        }
        break;
    }
  }
}

Result<GeneratedAnswer> solve_frame_text(const Params& p) {
  auto f = decode_first_frame(param(p, "hex"));
  if (!f) return Error{f.error()};
  if (!f->complete) return Error{"the hex holds only part of the frame's payload"};
  return GeneratedAnswer{f->payload, {}};
}

constexpr std::array<std::string_view, 16> kWords = {
    "hello", "rooms", "lobby", "frame", "masked", "wslab", "typing", "presence",
    "join",  "leave", "chat",  "ready", "ack",    "pong",  "hi all", "see you"};

Params make_frame_text(Rng& rng) {
  const std::string word(pick<std::string_view>(rng, kWords));
  const std::string frame =
      FrameBuilder().opcode(Opcode::kText).mask(random_mask(rng)).payload(word).build();
  return {{"hex", to_hex(frame)}};
}

Result<GeneratedAnswer> solve_frame_length(const Params& p) {
  auto f = decode_first_frame(param(p, "hex"));
  if (!f) return Error{f.error()};
  return GeneratedAnswer{std::to_string(f->header.payload_length), {}};
}

Params make_frame_length(Rng& rng) {
  std::uint64_t n = 0;
  switch (rng.below(3)) {
    case 0:
      n = 1 + rng.below(125);
      break;  // 7-bit form
    case 1:
      n = 126 + rng.below(65536 - 126);
      break;  // 16-bit form
    default:
      n = 65536 + rng.below(1ull << 32);
      break;  // 64-bit form
  }
  FrameBuilder b;
  b.opcode(rng.below(2) == 0 ? Opcode::kText : Opcode::kBinary).declared_length(n);
  if (rng.below(2) == 0) b.mask(random_mask(rng));
  return {{"hex", to_hex(b.build_header())}};
}

std::string_view opcode_word(std::uint8_t op) {
  switch (op) {
    case 0x0:
      return "continuation";
    case 0x1:
      return "text";
    case 0x2:
      return "binary";
    case 0x8:
      return "close";
    case 0x9:
      return "ping";
    case 0xA:
      return "pong";
    default:
      return "reserved";
  }
}

Result<GeneratedAnswer> solve_frame_opcode(const Params& p) {
  auto f = decode_first_frame(param(p, "hex"));
  if (!f) return Error{f.error()};
  const std::uint8_t op = f->header.opcode;
  static constexpr char kDigits[] = "0123456789ABCDEF";
  GeneratedAnswer a{std::string(opcode_word(op)), {}};
  a.alternatives.push_back(std::string("0x") + kDigits[op]);
  a.alternatives.push_back(std::to_string(op));
  a.alternatives.push_back(std::string(opcode_word(op)) + " frame");
  return a;
}

Params make_frame_opcode(Rng& rng) {
  static constexpr std::array<Opcode, 5> kOps = {Opcode::kText, Opcode::kBinary, Opcode::kPing,
                                                 Opcode::kPong, Opcode::kClose};
  const Opcode op = pick<Opcode>(rng, kOps);
  std::string payload;
  if (op == Opcode::kClose) {
    payload = encode_close_payload(1000);
  } else {
    payload = std::string(pick<std::string_view>(rng, kWords));
  }
  FrameBuilder b;
  b.opcode(op).payload(payload);
  if (rng.below(2) == 0) b.mask(random_mask(rng));
  return {{"hex", to_hex(b.build())}};
}

// ---- close-reply ------------------------------------------------------------

Result<GeneratedAnswer> solve_close_reply(const Params& p) {
  auto body = parse_hex(param(p, "hex"));
  if (!body) return Error{body.error()};
  const CloseParse parsed = parse_close_payload(*body);
  if (!parsed.ok) return GeneratedAnswer{std::to_string(parsed.fail_code), {}};
  if (!parsed.payload.code) return GeneratedAnswer{"none", {"no code", "empty"}};
  return GeneratedAnswer{std::to_string(*parsed.payload.code), {}};
}

Params make_close_reply(Rng& rng) {
  static constexpr std::array<std::uint16_t, 7> kGood = {1000, 1001, 1003, 1008, 1011, 3000, 4000};
  static constexpr std::array<std::uint16_t, 9> kBad = {0,    999,  1004, 1005, 1006,
                                                        1015, 1016, 2999, 5000};
  static constexpr std::array<std::string_view, 4> kReasons = {"", "bye", "done", "idle"};
  std::string body;
  switch (rng.below(4)) {
    case 0: {  // a valid code, echoed
      std::uint16_t code = pick<std::uint16_t>(rng, kGood);
      if (code >= 3000) code = static_cast<std::uint16_t>(code + rng.below(1000));
      body = encode_close_payload(code, pick<std::string_view>(rng, kReasons));
      break;
    }
    case 1: {  // a code that must never be on the wire
      const std::uint16_t code = pick<std::uint16_t>(rng, kBad);
      body = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
      body += pick<std::string_view>(rng, kReasons);
      break;
    }
    case 2: {  // a valid code with a reason that is not UTF-8
      static constexpr std::array<std::string_view, 3> kBadUtf8 = {"\xC3\x28", "\xED\xA0\x80",
                                                                   "ok\xFF"};
      body = encode_close_payload(pick<std::uint16_t>(rng, kGood));
      body += pick<std::string_view>(rng, kBadUtf8);
      break;
    }
    default:  // a 1-byte body
      body = std::string(1, static_cast<char>(0x03));
      break;
  }
  return {{"hex", to_hex(body)}};
}

// ---- handshake-status -------------------------------------------------------

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "";
  }
}

// The request as shown to students uses "\n"; on the wire it is CRLF.
std::string to_wire(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += '\r';
    out += c;
  }
  while (out.size() < 4 || out.compare(out.size() - 4, 4, "\r\n\r\n") != 0) out += "\r\n";
  return out;
}

Result<GeneratedAnswer> solve_handshake_status(const Params& p) {
  const std::string wire = to_wire(param(p, "request"));
  HttpRequest request;
  const ServerHandshakePolicy policy;
  const ParseOutcome outcome = parse_request(wire, request, policy.max_head_bytes);
  int status = 0;
  if (outcome.state == ParseState::kComplete) {
    status = accept_handshake(request, policy).status;
  } else if (outcome.state == ParseState::kNeedMore) {
    return Error{"the request head is incomplete"};
  } else {
    status = reject_unparsable(outcome, policy).status;
  }
  GeneratedAnswer a{std::to_string(status), {}};
  if (!reason_phrase(status).empty()) {
    a.alternatives.push_back(std::to_string(status) + " " + std::string(reason_phrase(status)));
  }
  return a;
}

Params make_handshake_status(Rng& rng) {
  std::string method = "GET";
  std::string version = "HTTP/1.1";
  static constexpr std::array<std::string_view, 3> kPaths = {"/", "/chat", "/rooms"};
  const std::string path(pick<std::string_view>(rng, kPaths));
  const std::string host = "127.0.0.1:" + std::to_string(9000 + rng.below(1000));
  std::string upgrade = "Upgrade: websocket\n";
  std::string connection = "Connection: Upgrade\n";
  std::string key = "Sec-WebSocket-Key: " + random_key(rng) + "\n";
  std::string ws_version = "Sec-WebSocket-Version: 13\n";
  std::string host_line = "Host: " + host + "\n";
  switch (rng.below(9)) {
    case 0:
      break;  // nothing wrong
    case 1:
      ws_version = "Sec-WebSocket-Version: 8\n";
      break;
    case 2:
      method = "POST";
      break;
    case 3:
      upgrade.clear();
      break;
    case 4:
      connection = "Connection: keep-alive\n";
      break;
    case 5: {
      std::string raw(12, '\0');
      for (auto& c : raw) c = static_cast<char>(rng.byte());
      key = "Sec-WebSocket-Key: " + base64_encode(raw) + "\n";
      break;
    }
    case 6:
      host_line.clear();
      break;
    case 7:
      key.clear();
      break;
    default:
      ws_version.clear();
      break;
  }
  std::string request = method + " " + path + " " + version + "\n" + host_line + upgrade +
                        connection + key + ws_version;
  request.pop_back();  // no trailing newline: the prompt shows the head without the blank line
  return {{"request", request}};
}

const std::array<Generator, 6> kGenerators = {{
    {"accept-key",
     "Sec-WebSocket-Accept for a random Sec-WebSocket-Key (RFC 6455 §4.2.2)",
     {"key"},
     solve_accept,
     make_accept},
    {"frame-text",
     "the text carried by a masked client frame, given as hex (§5.2, §5.3)",
     {"hex"},
     solve_frame_text,
     make_frame_text},
    {"frame-length",
     "the payload length announced by a frame header, given as hex (§5.2)",
     {"hex"},
     solve_frame_length,
     make_frame_length},
    {"frame-opcode",
     "the kind of frame (its opcode), given as hex (§5.2)",
     {"hex"},
     solve_frame_opcode,
     make_frame_opcode},
    {"close-reply",
     "the close code a server sends back for a Close body, given as hex (§5.5.1, §7.4)",
     {"hex"},
     solve_close_reply,
     make_close_reply},
    {"handshake-status",
     "the status code a server answers to an upgrade request (§4.2.1, §4.4)",
     {"request"},
     solve_handshake_status,
     make_handshake_status},
}};

}  // namespace

std::span<const Generator> all_generators() {
  return kGenerators;
}

const Generator* find_generator(std::string_view name) {
  for (const auto& g : kGenerators) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

}  // namespace wslab::quiz
