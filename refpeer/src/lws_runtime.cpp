#include "lws_runtime.hpp"

#include <libwebsockets.h>

#include <cstdlib>
#include <mutex>

namespace wslab::refpeer::detail {

void configure_lws_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    int level = LLL_ERR | LLL_WARN;
    if (const char* env = std::getenv("WSLAB_LWS_LOG"); env != nullptr && *env != '\0') {
      level = static_cast<int>(std::strtol(env, nullptr, 0));
    }
    lws_set_log_level(level, nullptr);
  });
}

}  // namespace wslab::refpeer::detail
