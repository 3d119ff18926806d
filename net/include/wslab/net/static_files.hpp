// Static files for plain HTTP GETs on a WebSocket port (the browser client of
// the rooms lab is served by the reference server). Not RFC 6455: RFC 9110
// GET/404/405 semantics, and a safe mapping from request-target to file:
// percent-decoding, no ".." segments, no NUL, and the resolved path (after
// symlinks) must stay inside the root. "/" and directories map to index.html.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wslab/http.hpp"
#include "wslab/net/app.hpp"
#include "wslab/result.hpp"

namespace wslab::net {

// "text/html; charset=utf-8" for "x.html", "application/octet-stream" if unknown.
std::string_view content_type_for(std::string_view path);

// Maps a request-target ("/css/a.css?v=2") to a path relative to the root
// ("css/a.css"), or an error when the target tries to escape or is malformed.
Result<std::string> safe_relative_path(std::string_view target);

class StaticFiles {
 public:
  // Fails when `root` is not a directory.
  static Result<StaticFiles> open(const std::string& root);
  // 200 with the file; 403 for an escape attempt; 404; 405 for non-GET.
  [[nodiscard]] HttpReply serve(const HttpRequest& request) const;
  [[nodiscard]] const std::string& root() const { return root_; }

 private:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  std::string root_;  // canonical (realpath), no trailing slash
};

}  // namespace wslab::net
