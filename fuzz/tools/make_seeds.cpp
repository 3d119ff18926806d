// Writes the hand-made seed corpora of the fuzz targets into
// <corpus-dir>/<target>/seed-<name>: valid handshakes (RFC 6455 §1.2, §4), the
// frames of RFC 6455 §5.7, close bodies (§5.5.1, §7.4), UTF-8 edge cases
// (RFC 3629), whole sessions, rooms messages and quiz files.
//   wslab-fuzz-seeds fuzz/corpus [quizzes-dir]
// Frames are built with core's FrameBuilder (fixed masking keys, so the output
// is the same on every run). Seeds of the chopping targets start with the
// chop header (fuzz_support.hpp): 0x00 = "no chops, no flags".
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wslab/close.hpp"
#include "wslab/frame.hpp"

namespace {

using namespace wslab;
namespace fs = std::filesystem;

fs::path g_root;
int g_written = 0;

void write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ++g_written;
}

// Chop header: flags in the high nibble, then the chop bytes (each = size - 1).
std::string chop(std::uint8_t flags, const std::vector<std::uint8_t>& chops = {}) {
  std::string h(1, static_cast<char>((flags << 4) | (chops.size() & 0x0F)));
  for (auto c : chops) h += static_cast<char>(c);
  return h;
}

constexpr MaskKey kKey{0x37, 0xFA, 0x21, 0x3D};  // RFC 6455 §5.7's key

std::string masked(Opcode op, std::string_view payload, bool fin = true) {
  return FrameBuilder().fin(fin).opcode(op).mask(kKey).payload(payload).build();
}

const std::string kRfcRequest =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

const std::string kMinimalRequest =
    "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\nSec-WebSocket-Version: 13\r\n\r\n";

void request_seeds() {
  const std::string t = "request";
  write(t, "rfc-1.2-example", chop(0) + kRfcRequest);
  write(t, "rfc-example-all-policies", chop(0x7) + kRfcRequest);
  write(t, "minimal", chop(0) + kMinimalRequest);
  write(t, "minimal-byte-by-byte", chop(0, {0}) + kMinimalRequest);
  write(t, "minimal-chopped-7-13", chop(0, {6, 12}) + kMinimalRequest);
  write(t, "lowercase-names",
        chop(0) +
            "GET /chat?x=1 HTTP/1.1\r\nhost: h\r\nupgrade: WebSocket\r\nconnection: keep-alive, "
            "upgrade\r\n"
            "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n");
  write(t, "absolute-form",
        chop(0x4) +
            "GET http://h:1/chat HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
  write(t, "post", chop(0) + "POST / HTTP/1.1\r\nHost: h\r\n\r\n");
  write(t, "http-1.0",
        chop(0) +
            "GET / HTTP/1.0\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  write(t, "version-8",
        chop(0) +
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  write(t, "duplicate-key",
        chop(0) +
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
  write(t, "key-15-bytes",
        chop(0) +
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4P\r\nSec-WebSocket-Version: 13\r\n\r\n");
  write(t, "obs-fold", chop(0) + "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n");
  write(t, "bare-lf", chop(0) + "GET / HTTP/1.1\nHost: h\n\n");
  write(t, "no-colon", chop(0) + "GET / HTTP/1.1\r\nHost h\r\n\r\n");
  write(t, "space-before-colon", chop(0) + "GET / HTTP/1.1\r\nHost : h\r\n\r\n");
  write(t, "tls-client-hello",
        chop(0) + std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11));
  write(t, "oversized-small-limit",
        chop(0x8) + "GET / HTTP/1.1\r\nX-Pad: " + std::string(400, 'a') + "\r\n\r\n");
  write(t, "origin-forbidden",
        chop(0x2) +
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil.example\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
  write(t, "with-frame-after", chop(0) + kMinimalRequest + masked(Opcode::kText, "Hello"));
}

void response_seeds() {
  const std::string t = "response";
  const std::string ok =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
  write(t, "rfc-1.2-example", chop(0x1) + ok + "Sec-WebSocket-Protocol: chat\r\n\r\n");
  write(t, "no-subprotocol", chop(0) + ok + "\r\n");
  write(t, "no-subprotocol-byte-by-byte", chop(0, {0}) + ok + "\r\n");
  write(t, "unoffered-subprotocol", chop(0x1) + ok + "Sec-WebSocket-Protocol: mqtt\r\n\r\n");
  write(t, "extension", chop(0) + ok + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
  write(t, "wrong-accept",
        chop(0) +
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n");
  write(t, "no-upgrade",
        chop(0) +
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  write(t, "400",
        chop(0) + "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad");
  write(t, "426", chop(0) + "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n");
  write(t, "no-reason",
        chop(0) +
            "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  write(t, "http-2", chop(0) + "HTTP/2.0 101 Switching Protocols\r\n\r\n");
  write(t, "garbage", chop(0) + "SSH-2.0-OpenSSH_9.2\r\n");
}

void frame_seeds() {
  const std::string t = "frame";
  const std::uint8_t client = 0x1;  // flags bit 0: the decoder is a client (frames unmasked)
  // RFC 6455 §5.7, byte for byte.
  write(t, "rfc-5.7-unmasked-hello", chop(client) + std::string("\x81\x05Hello", 7));
  write(t, "rfc-5.7-masked-hello",
        chop(0) + std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
  write(t, "rfc-5.7-fragmented-hello", chop(client) + std::string("\x01\x03Hel\x80\x02lo", 9));
  write(t, "rfc-5.7-unmasked-ping", chop(client) + std::string("\x89\x05Hello", 7));
  write(t, "rfc-5.7-masked-pong",
        chop(0) + std::string("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
  write(t, "rfc-5.7-256-bytes",
        chop(client) + std::string("\x82\x7e\x01\x00", 4) + std::string(256, 'x'));
  write(t, "rfc-5.7-64-kib",
        chop(client) + std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10) +
            std::string(65536, 'y'));
  write(t, "masked-hello-byte-by-byte",
        chop(0, {0}) + std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
  write(t, "masked-sequence-chopped",
        chop(0, {2, 0, 6}) + masked(Opcode::kText, "Hel", false) + masked(Opcode::kPing, "p") +
            masked(Opcode::kContinuation, "lo") + masked(Opcode::kBinary, std::string(300, 'b')) +
            masked(Opcode::kClose, encode_close_payload(1000, "bye")));
  write(t, "rsv1",
        chop(0) + FrameBuilder()
                      .rsv(true, false, false)
                      .opcode(Opcode::kText)
                      .mask(kKey)
                      .payload("x")
                      .build());
  write(t, "opcode-3", chop(0) + FrameBuilder().opcode(0x3).mask(kKey).payload("x").build());
  write(t, "opcode-11", chop(0) + FrameBuilder().opcode(0xB).mask(kKey).build());
  write(t, "ping-fin-0",
        chop(0) + FrameBuilder().fin(false).opcode(Opcode::kPing).mask(kKey).build());
  write(t, "ping-126",
        chop(0) +
            FrameBuilder().opcode(Opcode::kPing).mask(kKey).payload(std::string(126, 'p')).build());
  write(t, "unmasked-to-server", chop(0) + std::string("\x81\x05Hello", 7));
  write(t, "masked-to-client",
        chop(client) + std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
  write(t, "length-msb-set",
        chop(0) + FrameBuilder()
                      .opcode(Opcode::kBinary)
                      .mask(kKey)
                      .length_form(LengthForm::k64)
                      .declared_length(1ull << 63)
                      .build());
  write(t, "length-2-pow-60",
        chop(0) + FrameBuilder()
                      .opcode(Opcode::kBinary)
                      .mask(kKey)
                      .length_form(LengthForm::k64)
                      .declared_length(1ull << 60)
                      .payload("abcde")
                      .build());
  write(t, "non-minimal-16",
        chop(0x2) + FrameBuilder()
                        .opcode(Opcode::kText)
                        .mask(kKey)
                        .length_form(LengthForm::k16)
                        .payload("Hello")
                        .build());
  write(t, "non-minimal-64",
        chop(0x2) + FrameBuilder()
                        .opcode(Opcode::kText)
                        .mask(kKey)
                        .length_form(LengthForm::k64)
                        .payload("Hello")
                        .build());
  write(t, "over-125-limit", chop(0x4) + masked(Opcode::kBinary, std::string(200, 'z')));
  write(
      t, "empty-frames",
      chop(0) + masked(Opcode::kText, "") + masked(Opcode::kPing, "") + masked(Opcode::kClose, ""));
  write(t, "truncated-header", chop(0) + std::string("\x82\xfe\x01", 3));
}

void utf8_seeds() {
  const std::string t = "utf8";
  write(t, "ascii", chop(0) + "Hello, WebSocket!");
  write(t, "kosme", chop(0) + "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
  write(t, "kosme-byte-by-byte", chop(0, {0}) + "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
  write(t, "boundaries",
        chop(0, {2, 4}) + std::string("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
                                      "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                                      21));
  write(t, "mixed-long",
        chop(0, {15, 3}) +
            "plain ascii run before \xe2\x82\xac and \xf0\x9f\x98\x80 emoji, "
            "then more ascii to use the fast path 0123456789abcdef");
  write(t, "overlong-slash-2", chop(0) + "\xc0\xaf");
  write(t, "overlong-slash-3", chop(0) + "\xe0\x80\xaf");
  write(t, "overlong-slash-4", chop(0) + "\xf0\x80\x80\xaf");
  write(t, "surrogate-high", chop(0) + "\xed\xa0\x80");
  write(t, "surrogate-pair", chop(0) + "\xed\xa0\x80\xed\xb0\x80");
  write(t, "above-10ffff", chop(0) + "\xf4\x90\x80\x80");
  write(t, "five-byte", chop(0) + "\xf8\x88\x80\x80\x80");
  write(t, "lone-continuation",
        chop(0) +
            "ab\x80"
            "cd");
  write(t, "fe-ff", chop(0) + "\xfe\xff");
  write(t, "truncated-4", chop(0) + "abc\xf0\x9f\x98");
  write(t, "autobahn-6.4.1-fail-fast",
        chop(0, {11, 3}) +
            "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80"
            "edited");
}

std::string body(std::uint16_t code, std::string_view reason = {}) {
  std::string b;
  b += static_cast<char>(code >> 8);
  b += static_cast<char>(code & 0xFF);
  b += reason;
  return b;
}

void close_seeds() {
  const std::string t = "close";
  write(t, "empty", "");
  write(t, "one-byte", "\x03");
  for (const int code : {999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011, 1012,
                         1014, 1015, 1016, 2999, 3000, 3999, 4000, 4999, 5000, 65535}) {
    write(t, "code-" + std::to_string(code), body(static_cast<std::uint16_t>(code)));
  }
  write(t, "1000-bye", body(1000, "bye"));
  write(t, "1000-kosme", body(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));
  write(t, "1000-bad-utf8", body(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"));
  write(t, "1000-reason-123", body(1000, std::string(123, 'r')));
  write(t, "1000-reason-cut-inside-euro", body(1000, std::string(122, 'r') + "\xe2\x82\xac"));
}

const std::string kHandshake =
    "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

std::string close_frame(std::uint16_t code, std::string_view reason = {}) {
  return masked(Opcode::kClose, body(code, reason));
}

void session_seeds() {
  const std::string t = "session";
  const std::string conversation =
      kHandshake + masked(Opcode::kText, "Hello") +
      masked(Opcode::kBinary, std::string("\x00\x01\x02", 3)) + masked(Opcode::kPing, "ping!") +
      masked(Opcode::kText, "Hel", false) + masked(Opcode::kPing, "mid") +
      masked(Opcode::kContinuation, "lo", true) + close_frame(1000, "bye");
  write(t, "echo-conversation", chop(0) + conversation);
  write(t, "echo-conversation-byte-by-byte", chop(0, {0}) + conversation);
  write(t, "echo-conversation-chopped", chop(0, {4, 127, 1}) + conversation);
  write(t, "handshake-only", chop(0) + kHandshake);
  write(t, "handshake-then-eof-waits",
        chop(0, {0x80 | 50}) + kHandshake + masked(Opcode::kText, "x"));
  write(t, "heartbeat-ticks",
        chop(0x1, {0x80 | 120, 0x80 | 5}) + kHandshake + masked(Opcode::kPong, "") +
            masked(Opcode::kText, "still here"));
  write(t, "manual-accept", chop(0x2) + kHandshake + masked(Opcode::kText, "after accept"));
  write(t, "manual-reject",
        chop(0x2) +
            "GET /reject HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  write(t, "plain-http", chop(0x4) + "GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n");
  write(t, "bad-request", chop(0) + "BREW /pot HTCPCP/1.0\r\n\r\n");
  write(t, "small-limits-too-big",
        chop(0x8) + kHandshake + masked(Opcode::kBinary, std::string(200, 'b')));
  write(t, "small-limits-message-too-big",
        chop(0x8) + kHandshake + masked(Opcode::kText, std::string(100, 'a'), false) +
            masked(Opcode::kContinuation, std::string(100, 'a'), false) +
            masked(Opcode::kContinuation, std::string(100, 'a'), true));
  write(t, "rsv-after-text",
        chop(0) + kHandshake + masked(Opcode::kText, "ok") +
            FrameBuilder()
                .rsv(false, true, false)
                .opcode(Opcode::kText)
                .mask(kKey)
                .payload("x")
                .build());
  write(t, "reserved-opcode", chop(0) + kHandshake + FrameBuilder().opcode(0x5).mask(kKey).build());
  write(t, "unmasked-text", chop(0) + kHandshake + std::string("\x81\x05Hello", 7));
  write(t, "bad-utf8-fragments",
        chop(0) + kHandshake + masked(Opcode::kText, "\xce\xba\xe1", false) +
            masked(Opcode::kContinuation, "\xed\xa0\x80", true));
  write(t, "stray-continuation", chop(0) + kHandshake + masked(Opcode::kContinuation, "x"));
  write(t, "close-1-byte", chop(0) + kHandshake + masked(Opcode::kClose, "\x03"));
  write(t, "close-1005", chop(0) + kHandshake + close_frame(1005));
  write(t, "close-5000", chop(0) + kHandshake + close_frame(5000));
  write(t, "close-empty", chop(0) + kHandshake + masked(Opcode::kClose, ""));
  write(t, "close-bad-reason", chop(0) + kHandshake + close_frame(1000, "\xc0\xaf"));
  write(t, "data-after-close",
        chop(0) + kHandshake + close_frame(1000) + masked(Opcode::kText, "late"));
  write(t, "app-close-3000",
        chop(0) + kHandshake +
            masked(Opcode::kBinary, std::string("\xff"
                                                "c\x0b\xb8"
                                                "app bye",
                                                11)) +
            masked(Opcode::kText, "after our close") + close_frame(3000));
  write(t, "app-close-1005-refused",
        chop(0) + kHandshake +
            masked(Opcode::kBinary, std::string("\xff"
                                                "c\x03\xed",
                                                4)) +
            masked(Opcode::kText, "still open"));
  write(t, "app-ping-and-fragments",
        chop(0) + kHandshake +
            masked(Opcode::kBinary,
                   "\xff"
                   "papp ping") +
            masked(Opcode::kBinary,
                   "\xff"
                   "fthree fragments") +
            masked(Opcode::kBinary, "\xffx") + masked(Opcode::kPong, "app ping"));
  write(t, "huge-declared-length",
        chop(0) + kHandshake +
            FrameBuilder()
                .opcode(Opcode::kBinary)
                .mask(kKey)
                .length_form(LengthForm::k64)
                .declared_length(1ull << 60)
                .payload("abcde")
                .build());
}

void rooms_seeds() {
  const std::string t = "rooms";
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"hello", R"({"type":"hello","name":"alice","ref":1})"},
      {"hello-no-name", R"({"type":"hello"})"},
      {"join", R"({"type":"join","room":"lobby","ref":2})"},
      {"join-since", R"({"type":"join","room":"lobby","since":41})"},
      {"leave", R"({"type":"leave","room":"lobby","ref":"x"})"},
      {"say", R"({"type":"say","room":"lobby","text":"hi all"})"},
      {"say-unicode", R"({"type":"say","room":"lobby","text":"\u00e9t\u00e9 \ud83d\ude00"})"},
      {"private", R"({"type":"private","to":"bob","text":"psst"})"},
      {"typing", R"({"type":"typing","room":"lobby","active":true})"},
      {"ping", R"({"type":"ping","ref":7})"},
      {"unknown-type", R"({"type":"shout"})"},
      {"bad-room", R"({"type":"say","room":"bad room","text":""})"},
      {"extra-member", R"({"type":"say","room":"lobby","text":"I am alice","from":"alice"})"},
      {"ref-too-big", R"({"type":"ping","ref":9007199254740993})"},
      {"ref-float", R"({"type":"ping","ref":1.5})"},
      {"not-json", R"({"type":"say",)"},
      {"array", R"([1,2,3])"},
      {"deep", std::string(40, '[') + std::string(40, ']')},
      {"lone-surrogate", R"({"type":"say","room":"lobby","text":"\ud800"})"},
      {"welcome",
       R"({"type":"welcome","name":"alice","protocol":"wslab.rooms.v1","limits":{"max_message_bytes":16384,"max_text_bytes":4096,"max_name_length":32,"max_room_length":64,"max_rooms_per_client":16,"history_size":100,"rate_burst":200,"rate_per_second":100},"ref":1})"},
      {"joined",
       R"({"type":"joined","room":"lobby","seq":4,"members":["alice","carol"],"history":2,"truncated":false,"reset":false})"},
      {"message",
       R"({"type":"message","room":"lobby","seq":3,"from":"alice","text":"where is carol?","ts":2000,"history":true})"},
      {"presence",
       R"({"type":"presence","room":"lobby","name":"bob","action":"leave","reason":"disconnected"})"},
      {"server-private",
       R"({"type":"private","from":"alice","to":"bob","text":"psst","ts":1732320001000})"},
      {"server-typing", R"({"type":"typing","room":"lobby","from":"bob","active":true})"},
      {"pong", R"({"type":"pong","ref":9})"},
      {"error",
       R"({"type":"error","code":"not_member","message":"you are not in room \"kitchen\"","request":"say","ref":12})"},
      {"left", R"({"type":"left","room":"lobby","ref":"x"})"},
  };
  for (const auto& [name, text] : seeds) write(t, name, text);
}

void quiz_seeds(const fs::path& quizzes) {
  const std::string t = "quiz";
  write(t, "short-answer",
        "[[questions]]\nid = \"q1\"\ntype = \"ShortAnswer\"\nprompt.prompt = \"2+2?\"\n"
        "answer.answer = \"4\"\n");
  write(t, "multiple-choice",
        "[[questions]]\nid = \"q2\"\ntype = \"MultipleChoice\"\nprompt.prompt = \"Pick\"\n"
        "prompt.distractors = [\"a\", \"b\"]\nanswer.answer = \"c\"\nwslab.points = 2\n");
  write(t, "bad-toml", "[[questions]\nid = ");
  write(t, "wrong-types", "questions = 3\n");
  write(t, "unknown-keys", "[[questions]]\nid = \"q\"\ntype = \"Nope\"\nfoo.bar = 1\n");
  std::error_code ec;
  if (quizzes.empty() || !fs::is_directory(quizzes, ec)) return;
  for (const auto& entry : fs::directory_iterator(quizzes, ec)) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write(t, "quizzes-" + entry.path().stem().string(), text);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [QUIZZES_DIR]\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  request_seeds();
  response_seeds();
  frame_seeds();
  utf8_seeds();
  close_seeds();
  session_seeds();
  rooms_seeds();
  quiz_seeds(argc > 2 ? fs::path(argv[2]) : fs::path());
  std::printf("wrote %d seed files under %s\n", g_written, g_root.c_str());
  return 0;
}
