// The raw probe (see probe.hpp): a non-blocking socket driven by poll() with
// a deadline on every wait, core's FrameDecoder (client role) and
// MessageAssembler for what the peer sends, and a WireLog of every byte.
#include "wslab/harness/probe.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "wslab/close.hpp"
#include "wslab/harness/bytes_text.hpp"

namespace wslab::harness {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxResponseHead = 64 * 1024;
// While a write is blocked the probe keeps reading (so a server that echoes
// while we send cannot deadlock us), but not beyond this much unconsumed input.
constexpr std::size_t kMaxBufferedWhileWriting = 8u << 20;

std::string ms_text(Millis t) {
  return std::to_string(t.count()) + " ms";
}

std::string errno_text(int e) {
  return std::strerror(e);
}

}  // namespace

Probe::Probe(Target target, WireLog& log, ProbeOptions options, std::uint32_t connection_id)
    : target_(std::move(target)),
      log_(log),
      options_(std::move(options)),
      id_(connection_id),
      // The decoder enforces every header rule; the size limit is the probe's own
      // (checked at each header, so nothing is read for an oversized frame).
      decoder_(Role::kClient, DecoderLimits{std::numeric_limits<std::uint64_t>::max(), false}),
      assembler_(MessageLimits{options_.max_message_bytes}) {}

Probe::~Probe() {
  if (fd_ >= 0) {
    ::close(fd_);
    log_.event(id_, WireEvent::kClose, "probe closed the connection");
  }
}

Millis Probe::scaled(Millis t) const {
  double v = static_cast<double>(t.count()) * options_.timeout_scale;
  if (v > 1e12) v = 1e12;
  return Millis{static_cast<Millis::rep>(std::llround(v))};
}

void Probe::check_cancel() const {
  if (options_.cancel && options_.cancel->cancelled()) throw CaseCancelled();
}

short Probe::wait_fd(int fd, short events, Clock::time_point deadline) const {
  for (;;) {
    check_cancel();
    auto now = Clock::now();
    long long left = 0;
    if (deadline > now) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      if (Clock::now() + Millis{left} < deadline) ++left;  // round up: never return early
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (fd >= 0) fds[n++] = pollfd{fd, events, 0};
    int cancel_fd = options_.cancel ? options_.cancel->fd() : -1;
    if (cancel_fd >= 0) fds[n++] = pollfd{cancel_fd, POLLIN, 0};
    int timeout = static_cast<int>(std::min<long long>(left, 60'000));
    int rc = n == 0 ? ::poll(nullptr, 0, timeout) : ::poll(fds, n, timeout);
    if (rc < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    check_cancel();
    if (rc > 0 && fd >= 0 && fds[0].revents != 0) return fds[0].revents;
    if (Clock::now() >= deadline) return 0;
  }
}

Status Probe::connect() {
  check_cancel();
  if (fd_ >= 0) return Status::ok();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(target_.port);
  int gai = ::getaddrinfo(target_.host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) {
    return Status::fail("connect: cannot resolve " + target_.host + ": " + gai_strerror(gai));
  }
  std::string error;
  auto deadline = Clock::now() + scaled(options_.connect_timeout);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = "socket: " + errno_text(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // one write, one segment
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno != EINPROGRESS) {
      int e = errno;
      ::close(fd);
      error = e == ECONNREFUSED
                  ? "connection refused: nothing is listening on " + target_.host_header()
                  : "connect to " + target_.host_header() + ": " + errno_text(e);
      continue;
    }
    short rev;
    try {
      rev = wait_fd(fd, POLLOUT, deadline);
    } catch (...) {
      ::close(fd);
      ::freeaddrinfo(res);
      throw;
    }
    if (rev == 0) {
      ::close(fd);
      error = "connect to " + target_.host_header() + " timed out after " +
              ms_text(scaled(options_.connect_timeout));
      continue;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr != 0) {
      ::close(fd);
      error = soerr == ECONNREFUSED
                  ? "connection refused: nothing is listening on " + target_.host_header()
                  : "connect to " + target_.host_header() + ": " + errno_text(soerr);
      continue;
    }
    fd_ = fd;
    break;
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) {
    log_.note(id_, "connect failed: " + error);
    return Status::fail(error.empty() ? "connect: no address for " + target_.host : error);
  }
  sockaddr_storage local{};
  socklen_t llen = sizeof local;
  std::uint16_t lport = 0;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &llen) == 0) {
    if (local.ss_family == AF_INET) {
      lport = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    } else if (local.ss_family == AF_INET6) {
      lport = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    }
  }
  log_.event(id_, WireEvent::kConnected,
             "TCP connected to " + target_.host_header() + " from port " + std::to_string(lport));
  return Status::ok();
}

// ---------------------------------------------------------------- writing

Status Probe::write_all(std::string_view bytes) {
  check_cancel();
  if (fd_ < 0) return Status::fail("not connected");
  std::size_t off = 0;
  auto stall = scaled(options_.io_timeout);
  auto deadline = Clock::now() + stall;
  while (off < bytes.size()) {
    check_cancel();
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      log_.sent(id_, bytes.substr(off, static_cast<std::size_t>(n)));
      off += static_cast<std::size_t>(n);
      deadline = Clock::now() + stall;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      bool may_read = !peer_closed_ && inbuf_.size() + pending_bytes_ < kMaxBufferedWhileWriting;
      short rev = wait_fd(fd_, static_cast<short>(POLLOUT | (may_read ? POLLIN : 0)), deadline);
      if (rev == 0) {
        std::string msg = "write stalled: the peer read nothing for " + ms_text(stall) + " (" +
                          std::to_string(off) + " of " + std::to_string(bytes.size()) +
                          " bytes written)";
        log_.note(id_, msg);
        return Status::fail(msg);
      }
      if ((rev & (POLLIN | POLLHUP | POLLERR)) != 0 && may_read) {
        read_into_buffer(Clock::now());
        if (handshake_done_) decode_frames();
      }
      continue;
    }
    int e = n < 0 ? errno : EPIPE;
    if (e == EPIPE || e == ECONNRESET) {
      peer_gone(true, "TCP RST from peer (write failed: " + errno_text(e) + ")");
      return Status::fail("the peer closed the connection (" + errno_text(e) + ") after " +
                          std::to_string(off) + " of " + std::to_string(bytes.size()) +
                          " bytes were written");
    }
    return Status::fail("write: " + errno_text(e));
  }
  return Status::ok();
}

Status Probe::send(std::string_view bytes) {
  return write_all(bytes);
}

Status Probe::send_chopped(std::string_view bytes, std::size_t chop, Millis pause_between) {
  check_cancel();
  if (chop == 0) chop = 1;
  for (std::size_t off = 0; off < bytes.size(); off += chop) {
    if (off != 0 && pause_between.count() > 0) pause(pause_between);
    auto st = write_all(bytes.substr(off, chop));
    if (!st) return st;
  }
  return Status::ok();
}

void Probe::pause(Millis duration) {
  check_cancel();
  log_.note(id_, "pause " + ms_text(duration));
  auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) {
    if (fd_ >= 0 && !peer_closed_ && inbuf_.size() + pending_bytes_ < kMaxBufferedWhileWriting) {
      short rev = wait_fd(fd_, POLLIN, deadline);
      if (rev != 0) {
        read_into_buffer(Clock::now());
        if (handshake_done_) decode_frames();
      }
    } else {
      wait_fd(-1, 0, deadline);  // the cancel token only
    }
  }
}

Status Probe::half_close() {
  check_cancel();
  if (fd_ < 0) return Status::fail("not connected");
  if (::shutdown(fd_, SHUT_WR) != 0) return Status::fail("shutdown: " + errno_text(errno));
  log_.event(id_, WireEvent::kHalfClose, "half-close: probe sent FIN (shutdown SHUT_WR)");
  return Status::ok();
}

void Probe::reset() {
  if (fd_ < 0) return;
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd_);
  fd_ = -1;
  log_.event(id_, WireEvent::kReset, "probe reset the connection (RST)");
}

void Probe::close() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  log_.event(id_, WireEvent::kClose, "probe closed the connection");
}

// ---------------------------------------------------------------- reading

void Probe::peer_gone(bool reset, const std::string& why) {
  if (peer_closed_) return;
  peer_closed_ = true;
  peer_reset_ = reset;
  log_.event(id_, reset ? WireEvent::kPeerReset : WireEvent::kPeerFin, why);
}

Probe::Wait Probe::read_into_buffer(Clock::time_point deadline) {
  if (fd_ < 0 || peer_closed_) return Wait::kClosed;
  if (wait_fd(fd_, POLLIN, deadline) == 0) return Wait::kTimeout;
  char buf[kReadChunk];
  bool got = false;
  // A bounded number of reads per call: the caller decodes in between.
  for (int i = 0; i < 16; ++i) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      log_.received(id_, std::string_view(buf, static_cast<std::size_t>(n)));
      inbuf_.append(buf, static_cast<std::size_t>(n));
      got = true;
      if (static_cast<std::size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) {
      peer_gone(false, "TCP FIN from peer");
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    peer_gone(errno == ECONNRESET || errno == EPIPE,
              errno == ECONNRESET ? "TCP RST from peer" : "read error: " + errno_text(errno));
    break;
  }
  if (got) return Wait::kReady;
  return peer_closed_ ? Wait::kClosed : Wait::kTimeout;
}

bool Probe::pump(Clock::time_point deadline) {
  auto w = read_into_buffer(deadline);
  decode_frames();
  return w == Wait::kReady;
}

void Probe::bad_frame(std::string detail) {
  broken_ = true;
  log_.note(id_, "probe: invalid frame from peer: " + detail);
  Observation o;
  o.kind = Observation::Kind::kBadFrame;
  o.detail = std::move(detail);
  pending_.push_back(std::move(o));
}

void Probe::decode_frames() {
  if (broken_) {
    inbuf_.clear();
    return;
  }
  if (inbuf_.empty()) return;
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(inbuf_.data()), inbuf_.size());
  while (!broken_) {
    auto ev = decoder_.next(in);
    if (ev.kind == FrameDecoder::Kind::kNeedMore) break;
    if (ev.kind == FrameDecoder::Kind::kError) {
      bad_frame(std::string(wslab::describe(ev.error)));
      break;
    }
    if (ev.kind == FrameDecoder::Kind::kHeader) {
      on_frame_header(ev.header);
    } else {
      on_frame_payload(ev.payload, ev.frame_complete);
    }
    if (in.empty() && ev.kind == FrameDecoder::Kind::kPayload && !ev.frame_complete) break;
  }
  inbuf_.clear();  // the decoder consumed everything (partial headers are kept inside it)
}

void Probe::on_frame_header(const FrameHeader& h) {
  frame_ = h;
  if (is_control_opcode(h.opcode)) {
    in_control_ = true;
    control_.clear();
    return;
  }
  in_control_ = false;
  if (h.opcode != 0) message_frames_ = 0;
  std::uint64_t have = pending_message_bytes_;
  if (h.opcode != 0) have = 0;
  if (h.payload_length > options_.max_message_bytes ||
      have + h.payload_length > options_.max_message_bytes) {
    bad_frame("message exceeds probe limit: a frame announces " + std::to_string(h.payload_length) +
              " payload bytes (" + std::to_string(have) +
              " already buffered); the probe buffers at most " +
              size_text(static_cast<std::size_t>(options_.max_message_bytes)));
    return;
  }
  auto err = assembler_.on_frame_header(h);
  if (err != MessageError::kNone) {
    bad_frame(std::string(wslab::describe(err)));
    return;
  }
  if (h.opcode != 0) pending_message_bytes_ = 0;
  ++message_frames_;
}

void Probe::on_frame_payload(std::span<std::uint8_t> chunk, bool complete) {
  if (in_control_) {
    control_.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    if (!complete) return;
    in_control_ = false;
    Observation o;
    switch (frame_.opcode) {
      case 0x9:
        o.kind = Observation::Kind::kPing;
        o.payload = std::move(control_);
        break;
      case 0xA:
        o.kind = Observation::Kind::kPong;
        o.payload = std::move(control_);
        break;
      default: {  // 0x8: the decoder has already refused reserved control opcodes
        o.kind = Observation::Kind::kClose;
        auto parsed = parse_close_payload(control_);
        if (parsed.ok) {
          o.code = parsed.payload.code;
          o.payload = parsed.payload.reason;
        } else {
          if (control_.size() >= 2) {
            o.code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                                static_cast<unsigned char>(control_[1]));
            o.payload = control_.substr(2);
          } else {
            o.payload = control_;
          }
          o.detail = parsed.error;
        }
      }
    }
    control_.clear();
    pending_bytes_ += o.payload.size();
    pending_.push_back(std::move(o));
    return;
  }
  pending_message_bytes_ += chunk.size();
  auto err = assembler_.on_payload(chunk, complete);
  if (err != MessageError::kNone) {
    bad_frame(std::string(wslab::describe(err)));
    return;
  }
  if (assembler_.message_ready()) {
    Observation o;
    o.kind = assembler_.is_text() ? Observation::Kind::kText : Observation::Kind::kBinary;
    o.payload = assembler_.take_message();
    o.frames = message_frames_;
    message_frames_ = 0;
    pending_message_bytes_ = 0;
    pending_bytes_ += o.payload.size();
    pending_.push_back(std::move(o));
  }
}

Observation Probe::next(Millis timeout) {
  check_cancel();
  auto deadline = Clock::now() + scaled(timeout);
  decode_frames();
  for (;;) {
    if (!pending_.empty()) {
      Observation o = std::move(pending_.front());
      pending_.pop_front();
      pending_bytes_ -= std::min(pending_bytes_, o.payload.size());
      return o;
    }
    if (peer_closed_ || fd_ < 0) {
      Observation o;
      o.kind = Observation::Kind::kTcpClosed;
      o.reset = peer_reset_;
      if (!peer_closed_) o.detail = "the probe's own connection is closed";
      return o;
    }
    bool got = pump(deadline);
    if (!got && pending_.empty() && !peer_closed_ && Clock::now() >= deadline) {
      return Observation{};  // kTimeout
    }
  }
}

std::vector<Observation> Probe::collect(Millis timeout, bool answer_close) {
  check_cancel();
  std::vector<Observation> out;
  auto hard_deadline = Clock::now() + scaled(timeout) * 10;
  std::size_t total = 0;
  for (;;) {
    auto now = Clock::now();
    auto left = std::chrono::duration_cast<Millis>(hard_deadline - now);
    auto idle = std::min(scaled(timeout), std::max(left, Millis{0}));
    // next() scales its argument; undo that here by dividing (idle is already scaled).
    double unscale = options_.timeout_scale > 0 ? options_.timeout_scale : 1.0;
    Observation o = next(
        Millis{static_cast<Millis::rep>(std::ceil(static_cast<double>(idle.count()) / unscale))});
    auto kind = o.kind;
    total += o.payload.size();
    std::optional<std::uint16_t> code = o.code;
    out.push_back(std::move(o));
    if (kind == Observation::Kind::kClose && answer_close && !close_sent_ && fd_ >= 0 &&
        !peer_closed_) {
      if (code && is_valid_close_code(*code)) {
        (void)send_close(code);
      } else {
        (void)send_close(std::nullopt);
      }
    }
    if (kind == Observation::Kind::kTcpClosed || kind == Observation::Kind::kTimeout) break;
    if (Clock::now() >= hard_deadline || out.size() >= 10000 || total > (256u << 20)) {
      out.push_back(Observation{});  // stop as if nothing more came
      break;
    }
  }
  return out;
}

std::string Probe::read_raw(Millis timeout, std::size_t max_bytes) {
  check_cancel();
  if (inbuf_.empty()) read_into_buffer(Clock::now() + scaled(timeout));
  std::string out = inbuf_.substr(0, max_bytes);
  inbuf_.erase(0, out.size());
  return out;
}

// ---------------------------------------------------------------- handshake

Result<HttpResponse> Probe::read_response(Millis timeout) {
  check_cancel();
  auto t = scaled(timeout);
  auto deadline = Clock::now() + t;
  for (;;) {
    if (!inbuf_.empty()) {
      HttpResponse r;
      auto out = parse_response(inbuf_, r, kMaxResponseHead);
      if (out.state == ParseState::kComplete) {
        response_head_ = inbuf_.substr(0, out.head_bytes);
        inbuf_.erase(0, out.head_bytes);
        if (r.status == 101) handshake_done_ = true;
        return r;
      }
      if (out.state == ParseState::kError) {
        return Error{"the response is not valid HTTP (" + out.error + "); it starts with " +
                     quote_bytes(inbuf_, 40)};
      }
      if (out.state == ParseState::kTooLarge) {
        return Error{"the response head is larger than " + size_text(kMaxResponseHead)};
      }
    }
    if (peer_closed_ || fd_ < 0) {
      std::string what = peer_reset_ ? "connection reset by peer" : "connection closed";
      if (inbuf_.empty()) return Error{what + " before a response"};
      return Error{what + " in the middle of the response head (" + std::to_string(inbuf_.size()) +
                   " bytes received: " + quote_bytes(inbuf_, 40) + ")"};
    }
    auto w = read_into_buffer(deadline);
    if (w == Wait::kTimeout && Clock::now() >= deadline) {
      if (inbuf_.empty()) return Error{"no response within " + ms_text(t)};
      return Error{"no complete response head within " + ms_text(t) + " (" +
                   std::to_string(inbuf_.size()) + " bytes received: " + quote_bytes(inbuf_, 40) +
                   ")"};
    }
  }
}

Result<HttpResponse> Probe::request(std::string_view raw_request, Millis timeout) {
  check_cancel();
  if (!connected()) {
    auto st = connect();
    if (!st) return Error{st.message()};
  }
  auto st = send(raw_request);
  if (!st) return Error{st.message()};
  return read_response(timeout);
}

Result<HttpResponse> Probe::handshake(const std::vector<std::string>& subprotocols,
                                      const std::vector<HttpHeader>& extra_headers) {
  check_cancel();
  if (!connected()) {
    auto st = connect();
    if (!st) return Error{"connect: " + st.message()};
  }
  ClientHandshakeRequest req;
  req.host = target_.host_header();
  req.path = target_.path.empty() ? "/" : target_.path;
  req.subprotocols = subprotocols;
  req.extra_headers = extra_headers;
  std::string bytes = build_request(req);
  key_ = req.key;
  auto st = send(bytes);
  if (!st) return Error{"handshake: " + st.message()};
  auto r = read_response(options_.io_timeout);
  if (!r) return Error{"handshake: " + r.error()};
  auto v = validate_response(*r, req);
  if (!v) {
    handshake_done_ = false;
    std::string status =
        "status " + std::to_string(r->status) + (r->reason.empty() ? "" : " " + r->reason);
    return Error{"handshake: " + v.error() + " (" + status + ")"};
  }
  handshake_done_ = true;
  return r;
}

// ---------------------------------------------------------------- frames

Status Probe::send_frame(const FrameBuilder& frame) {
  return write_all(frame.build());
}

Status Probe::send_text(std::string_view text, bool fin) {
  return send_frame(FrameBuilder().fin(fin).opcode(Opcode::kText).random_mask().payload(text));
}

Status Probe::send_binary(std::string_view data, bool fin) {
  return send_frame(FrameBuilder().fin(fin).opcode(Opcode::kBinary).random_mask().payload(data));
}

Status Probe::send_continuation(std::string_view data, bool fin) {
  return send_frame(
      FrameBuilder().fin(fin).opcode(Opcode::kContinuation).random_mask().payload(data));
}

Status Probe::send_ping(std::string_view payload) {
  return send_frame(FrameBuilder().opcode(Opcode::kPing).random_mask().payload(payload));
}

Status Probe::send_pong(std::string_view payload) {
  return send_frame(FrameBuilder().opcode(Opcode::kPong).random_mask().payload(payload));
}

Status Probe::send_close(std::optional<std::uint16_t> code, std::string_view reason) {
  // Built by hand (not encode_close_payload) so a case can send any code and
  // an over-long reason on purpose: the probe never repairs what it is told to send.
  std::string body;
  if (code) {
    body += static_cast<char>(*code >> 8);
    body += static_cast<char>(*code & 0xff);
  }
  body.append(reason);
  close_sent_ = true;
  return send_frame(FrameBuilder().opcode(Opcode::kClose).random_mask().payload(body));
}

}  // namespace wslab::harness
