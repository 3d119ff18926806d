// The reference server's entry point for scaled-out rooms (cli/cmd_serve.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/result.hpp"
#include "wslab/rooms/redis_rooms_app.hpp"

namespace wslab::rooms {

// For `wslab serve --rooms --redis URL [--token T ...] [--token-file F]`.
Result<std::unique_ptr<net::App>> make_redis_rooms_app(net::EventLoop& loop,
                                                       const std::vector<std::string>& tokens,
                                                       const std::string& token_file,
                                                       const std::string& redis_url);

}  // namespace wslab::rooms
