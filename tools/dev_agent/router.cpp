#include "tools/dev_agent/router.hpp"

#include <algorithm>

namespace gatehouse::tools {
namespace {

std::string allow_header(const std::vector<std::string>& methods) {
  std::string allow = "OPTIONS";
  for (const auto& m : methods) allow += "," + m;
  return allow;
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

boost::asio::awaitable<Response> Router::dispatch(const Request& request) const {
  const Route* route = find(request.path());
  if (route == nullptr) co_return Response::empty(404);
  if (request.method() == "OPTIONS") {
    Response r = Response::empty(200);
    r.set_header("Allow", allow_header(route->methods));
    co_return r;
  }
  if (std::ranges::find(route->methods, request.method()) == route->methods.end()) {
    Response r = Response::error(
        HttpError{405, "method " + std::string{request.method()} + " not allowed"});
    r.set_header("Allow", allow_header(route->methods));
    co_return r;
  }
  co_return co_await route->handler(request);
}

}  // namespace gatehouse::tools
