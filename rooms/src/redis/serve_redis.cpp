// `wslab serve --rooms --redis URL`: the reference RedisRoomsApp with its flags checked.
#include "wslab/rooms/serve_redis.hpp"

#include "wslab/rooms/token_config.hpp"

namespace wslab::rooms {

Result<std::unique_ptr<net::App>> make_redis_rooms_app(net::EventLoop& loop,
                                                       const std::vector<std::string>& tokens,
                                                       const std::string& token_file,
                                                       const std::string& redis_url) {
  RedisRoomsOptions options;
  auto url = parse_redis_url(redis_url);
  if (!url) return Error{url.error()};
  options.redis = *url;
  auto loaded = load_tokens(tokens, token_file);
  if (!loaded) return Error{loaded.error()};
  options.tokens = std::move(*loaded);
  return std::unique_ptr<net::App>(std::make_unique<RedisRoomsApp>(loop, std::move(options)));
}

}  // namespace wslab::rooms
