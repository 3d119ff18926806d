// Helpers shared by the core tests: replaying an input under the three
// deliveries every decoder must survive (whole, one byte at a time, random
// chops), a frame-decoding loop, and small builders for masked client frames.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/frame.hpp"
#include "wslab/session.hpp"

namespace wslab::test {

enum class Delivery { kWhole, kByteByByte, kRandomChops };

inline const char* delivery_name(Delivery d) {
  switch (d) {
    case Delivery::kWhole:
      return "whole";
    case Delivery::kByteByByte:
      return "one byte at a time";
    case Delivery::kRandomChops:
      return "random chops";
  }
  return "?";
}

inline std::vector<std::string> chop(std::string_view input, Delivery d, std::uint32_t seed = 7) {
  std::vector<std::string> chunks;
  if (d == Delivery::kWhole) {
    chunks.emplace_back(input);
    return chunks;
  }
  std::mt19937 rng(seed);
  std::size_t i = 0;
  while (i < input.size()) {
    std::size_t n = 1;
    if (d == Delivery::kRandomChops) n = std::uniform_int_distribution<std::size_t>(1, 13)(rng);
    n = std::min(n, input.size() - i);
    chunks.emplace_back(input.substr(i, n));
    i += n;
  }
  return chunks;
}

// Runs `check(chunks)` once per delivery, with a trace naming the delivery.
template <typename Check>
void for_each_delivery(std::string_view input, Check&& check) {
  for (Delivery d : {Delivery::kWhole, Delivery::kByteByByte, Delivery::kRandomChops}) {
    for (std::uint32_t seed : {1u, 2u, 3u}) {
      SCOPED_TRACE(std::string("delivery: ") + delivery_name(d) + " seed " + std::to_string(seed));
      check(chop(input, d, seed));
      if (d != Delivery::kRandomChops) break;  // only chops vary with the seed
    }
  }
}

struct DecodedFrame {
  FrameHeader header;
  std::string payload;
};

struct Decoded {
  std::vector<DecodedFrame> frames;
  FrameError error = FrameError::kNone;
  bool mid_frame = false;  // input ended inside a frame
};

// Feeds the chunks to one decoder and collects whole frames (payload reassembled).
inline Decoded decode_chunks(Role local_role, const std::vector<std::string>& chunks,
                             DecoderLimits limits = {}) {
  Decoded out;
  FrameDecoder decoder(local_role, limits);
  bool in_frame = false;
  for (const auto& chunk : chunks) {
    std::string buf = chunk;  // the decoder unmasks in place
    std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(buf.data()), buf.size());
    while (true) {
      auto ev = decoder.next(in);
      if (ev.kind == FrameDecoder::Kind::kNeedMore) break;
      if (ev.kind == FrameDecoder::Kind::kError) {
        out.error = ev.error;
        return out;
      }
      if (ev.kind == FrameDecoder::Kind::kHeader) {
        EXPECT_FALSE(in_frame) << "a header arrived inside a frame";
        out.frames.push_back({ev.header, {}});
        in_frame = true;
        continue;
      }
      EXPECT_TRUE(in_frame) << "payload without a header";
      out.frames.back().payload.append(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
      if (ev.frame_complete) in_frame = false;
    }
  }
  // An empty frame's payload event comes on the next call even with no input left.
  if (in_frame) {
    std::span<std::uint8_t> none;
    auto ev = decoder.next(none);
    if (ev.kind == FrameDecoder::Kind::kPayload && ev.frame_complete) in_frame = false;
  }
  out.mid_frame = in_frame;
  return out;
}

inline std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s.push_back(static_cast<char>(b));
  return s;
}

inline constexpr MaskKey kRfcMask{0x37, 0xfa, 0x21, 0x3d};

// A valid frame as a client sends it (masked with the RFC's example key).
inline std::string client_frame(Opcode op, std::string_view payload, bool fin = true) {
  return encode_frame(op, payload, fin, &kRfcMask);
}
inline std::string server_frame(Opcode op, std::string_view payload, bool fin = true) {
  return encode_frame(op, payload, fin);
}

inline const std::string kUpgradeRequest =
    "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

inline std::vector<Event> drain_events(Session& s) {
  std::vector<Event> out;
  while (auto e = s.poll_event()) out.push_back(std::move(*e));
  return out;
}

inline std::string take_output(Session& s) {
  std::string out(s.pending_output());
  s.consume_output(out.size());
  return out;
}

inline void feed(Session& s, const std::vector<std::string>& chunks, Millis now = Millis(10)) {
  for (const auto& c : chunks) s.on_bytes(c, now);
}

// A server session after a successful handshake, output and events drained.
inline Session open_server(SessionConfig config = {}) {
  config.role = Role::kServer;
  Session s(std::move(config));
  s.start(Millis(0));
  s.on_bytes(kUpgradeRequest, Millis(1));
  EXPECT_EQ(s.state(), SessionState::kOpen);
  take_output(s);
  drain_events(s);
  return s;
}

inline std::string accept_response_for(std::string_view key, std::string_view extra = {}) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         compute_accept(key) + "\r\n" + std::string(extra) + "\r\n";
}

// A client session after a successful handshake, output and events drained.
inline Session open_client(SessionConfig config = {}) {
  config.role = Role::kClient;
  config.client.host = "127.0.0.1:9001";
  config.client.key = "dGhlIHNhbXBsZSBub25jZQ==";
  Session s(std::move(config));
  s.start(Millis(0));
  take_output(s);
  s.on_bytes(accept_response_for("dGhlIHNhbXBsZSBub25jZQ=="), Millis(1));
  EXPECT_EQ(s.state(), SessionState::kOpen);
  drain_events(s);
  return s;
}

template <typename T>
std::vector<const T*> events_of(const std::vector<Event>& events) {
  std::vector<const T*> out;
  for (const auto& e : events) {
    if (const auto* p = std::get_if<T>(&e)) out.push_back(p);
  }
  return out;
}

// Decodes what a session wrote (server output is read as a client would).
inline Decoded frames_written(std::string_view wire, Role writer) {
  return decode_chunks(writer == Role::kServer ? Role::kClient : Role::kServer,
                       {std::string(wire)});
}

}  // namespace wslab::test
