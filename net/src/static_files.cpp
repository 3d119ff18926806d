#include "wslab/net/static_files.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace wslab::net {

namespace {
constexpr std::size_t kMaxFileBytes = 64u << 20;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> realpath_of(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

HttpReply text_reply(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  r.body.push_back('\n');
  return r;
}
}  // namespace

std::string_view content_type_for(std::string_view path) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".wasm", "application/wasm"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
  };
  for (const auto& e : kTypes) {
    if (ends_with(path, e.ext)) return e.type;
  }
  return "application/octet-stream";
}

Result<std::string> safe_relative_path(std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') {
    return Error{"request-target must be an absolute path"};
  }
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) {
        return Error{"truncated percent-encoding"};
      }
      int hi = hex_value(path[i + 1]);
      int lo = hex_value(path[i + 2]);
      if (hi < 0 || lo < 0) return Error{"invalid percent-encoding"};
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return Error{"NUL byte in path"};
    if (c == '\\') return Error{"backslash in path"};
    decoded.push_back(c);
  }
  // Split on '/', refuse "..", drop "." and empty segments.
  std::string out;
  std::size_t start = 1;
  while (start <= decoded.size()) {
    std::size_t end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    std::string_view seg(decoded.data() + start, end - start);
    if (seg == "..") return Error{"'..' segment in path"};
    if (!seg.empty() && seg != ".") {
      if (!out.empty()) out.push_back('/');
      out.append(seg);
    }
    start = end + 1;
  }
  if (decoded.back() == '/' || out.empty()) {
    if (!out.empty()) out.push_back('/');
    out += "index.html";
  }
  return out;
}

Result<StaticFiles> StaticFiles::open(const std::string& root) {
  auto real = realpath_of(root);
  struct stat st {};
  if (!real || ::stat(real->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error{"web root '" + root + "' is not a directory"};
  }
  return StaticFiles(*real);
}

HttpReply StaticFiles::serve(const HttpRequest& request) const {
  if (request.method != "GET") {
    HttpReply r = text_reply(405, "only GET is served here");
    r.headers.push_back({"Allow", "GET"});
    return r;
  }
  auto rel = safe_relative_path(request.target);
  if (!rel) return text_reply(403, "forbidden: " + rel.error());
  std::string full = root_ + "/" + *rel;
  struct stat st {};
  if (::stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) full += "/index.html";
  auto real = realpath_of(full);
  if (!real) return text_reply(404, "not found: " + *rel);
  // A symlink inside the root may point outside it: check the resolved path.
  if (real->size() <= root_.size() || real->compare(0, root_.size(), root_) != 0 ||
      (*real)[root_.size()] != '/') {
    return text_reply(403, "forbidden: path leaves the web root");
  }
  if (::stat(real->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return text_reply(404, "not found: " + *rel);
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxFileBytes) {
    return text_reply(500, "file too large to serve");
  }
  std::ifstream in(*real, std::ios::binary);
  if (!in) return text_reply(404, "not found: " + *rel);
  std::ostringstream ss;
  ss << in.rdbuf();
  HttpReply r;
  r.status = 200;
  r.content_type = std::string(content_type_for(*real));
  r.body = ss.str();
  return r;
}

}  // namespace wslab::net
