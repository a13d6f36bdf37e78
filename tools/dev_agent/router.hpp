#pragma once
// Maps method + path to a handler with the rules of Go's http.ServeMux, which Consul uses: a
// pattern ending in '/' matches every path below it, the longest pattern wins. A known path with
// an unregistered method is a 405 carrying `Allow`; OPTIONS answers with `Allow` alone. A path that
// is not canonical (`..`, `.`, `//`) or that names a subtree without its trailing slash is
// answered `301 Moved Permanently` to the canonical one, query kept (net/http/server.go
// `ServeMux.findHandler`, `cleanPath`, `matchOrRedirect`, `Redirect`).

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/dev_agent/request.hpp"
#include "tools/dev_agent/response.hpp"

namespace gatehouse::tools {

using Handler = std::function<boost::asio::awaitable<Response>(const Request&)>;

class Router {
 public:
  // `methods` in the order Consul registers them (they appear in that order in `Allow`).
  void add(std::string pattern, std::vector<std::string> methods, Handler handler);

  struct Route {
    std::string pattern;
    std::vector<std::string> methods;
    Handler handler;
  };
  // The route serving `path`, or nullptr (Consul's index handler then answers 404).
  const Route* find(const std::string& path) const;

  // Runs the matching handler, or answers 301 / 404 / 405 / OPTIONS itself.
  boost::asio::awaitable<Response> dispatch(const Request& request) const;

  // Where ServeMux redirects `request` (path and query), or nullopt when it serves it as is.
  std::optional<std::string> redirect_target(const Request& request) const;

 private:
  // A registered subtree pattern `path + "/"` with no pattern for `path` itself.
  bool names_subtree_root(const std::string& path) const;

  std::map<std::string, Route> routes_;
};

}  // namespace gatehouse::tools
