// A link with added one-way delay for the transport benchmark: a network
// namespace joined to the root namespace by a veth pair, with netem delaying
// each direction (`tc qdisc add dev X root netem delay Dms`). The server binds
// the root-side address; the client thread joins the namespace (setns) and
// connects to it, so every byte crosses the delayed link. Needs root.
#pragma once

#include <string>

namespace wslab::bench {

class DelayLink {
 public:
  // Creates the namespace and link; on failure ok() is false and error() says why.
  explicit DelayLink(int one_way_ms);
  ~DelayLink();
  DelayLink(const DelayLink&) = delete;
  DelayLink& operator=(const DelayLink&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& server_address() const { return server_address_; }
  // Moves the calling thread into the client's namespace.
  bool enter_client_namespace() const;

 private:
  std::string ns_, host_dev_, ns_dev_, server_address_, error_;
  bool ok_ = false;
};

}  // namespace wslab::bench
