#include "tools/dev_agent/router.hpp"

#include <algorithm>

#include "tools/dev_agent/clean_path.hpp"

namespace gatehouse::tools {
namespace {

std::string allow_header(const std::vector<std::string>& methods) {
  std::string allow = "OPTIONS";
  for (const auto& m : methods) allow += "," + m;
  return allow;
}

// Go's Redirect (net/http/server.go): `Location`, and for GET a short HTML body (HEAD gets the
// Content-Type only). The dev agent writes the target already escaped, so it needs no
// hexEscapeNonASCII.
Response moved_permanently(const Request& request, const std::string& location) {
  Response r = Response::empty(301);
  r.set_header("Location", location);
  if (request.method() == "GET" || request.method() == "HEAD") {
    r.content_type = "text/html; charset=utf-8";
  }
  if (request.method() == "GET") {
    std::string href;
    for (const char c : location) {
      switch (c) {
        case '&': href += "&amp;"; break;
        case '<': href += "&lt;"; break;
        case '>': href += "&gt;"; break;
        case '"': href += "&#34;"; break;
        case '\'': href += "&#39;"; break;
        default: href += c;
      }
    }
    // fmt.Fprintln adds the second newline.
    r.body = "<a href=\"" + href + "\">Moved Permanently</a>.\n\n";
  }
  return r;
}

}  // namespace

void Router::add(std::string pattern, std::vector<std::string> methods, Handler handler) {
  auto key = pattern;
  routes_.insert_or_assign(std::move(key),
                           Route{std::move(pattern), std::move(methods), std::move(handler)});
}

const Router::Route* Router::find(const std::string& path) const {
  const Route* best = nullptr;
  for (const auto& [pattern, route] : routes_) {
    const bool matches = pattern.ends_with('/') ? path.starts_with(pattern) : path == pattern;
    if (matches && (best == nullptr || pattern.size() > best->pattern.size())) best = &route;
  }
  return best;
}

bool Router::names_subtree_root(const std::string& path) const {
  if (path.ends_with('/')) return false;
  const Route* exact = find(path);
  if (exact != nullptr && exact->pattern == path) return false;
  return routes_.contains(path + "/");
}

std::optional<std::string> Router::redirect_target(const Request& request) const {
  // CONNECT requests are not canonicalized; Consul registers no CONNECT handler, and a subtree
  // redirect for one would be the only difference, so they pass as they are.
  if (request.method() == "CONNECT" || request.is_asterisk()) return std::nullopt;
  // Go (1.22+) cleans the path as sent, still escaped: `%2e%2e` is a name, not a `..` element.
  std::string path = clean_path(request.escaped_path());
  if (names_subtree_root(path)) {
    path += '/';
  } else if (path == request.escaped_path()) {
    return std::nullopt;
  }
  if (!request.raw_query().empty()) path += "?" + request.raw_query();
  return path;
}

boost::asio::awaitable<Response> Router::dispatch(const Request& request) const {
  if (auto location = redirect_target(request)) co_return moved_permanently(request, *location);
  const Route* route = find(request.path());
  if (route == nullptr) co_return Response::empty(404);
  if (request.method() == "OPTIONS") {
    Response r = Response::empty(200);
    r.set_header("Allow", allow_header(route->methods));
    co_return r;
  }
  if (std::ranges::find(route->methods, request.method()) == route->methods.end()) {
    Response r =
        Response::error(HttpError{405, "method " + std::string{request.method()} + " not allowed"});
    r.set_header("Allow", allow_header(route->methods));
    co_return r;
  }
  co_return co_await route->handler(request);
}

}  // namespace gatehouse::tools
