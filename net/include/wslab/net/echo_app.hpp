// The reference App: echoes every text and binary message back unchanged
// (what Autobahn|Testsuite and the conformance harness expect of a server
// under test, RFC 6455 §5.6 data frames). Read this first when writing an App.
#pragma once

#include "wslab/net/app.hpp"
#include "wslab/net/connection.hpp"

namespace wslab::net {

class EchoApp : public App {
 public:
  void on_text(Connection& c, std::string_view text) override { c.send_text(text); }
  void on_binary(Connection& c, std::string_view data) override { c.send_binary(data); }
};

}  // namespace wslab::net
