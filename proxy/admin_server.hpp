#pragma once
// `-admin-addr`: a small HTTP/1.1 server (Beast) on the control io_context for orchestrators.
//   GET /ready   200 "ready" once the leaf and roots are loaded and the listeners are up;
//                503 with a one-line reason before that, while draining, and while new
//                connections would be refused because the agent cannot be asked
//                (`agent unreachable: …`, see proxy/authorization.hpp)
//   GET /health  200 "ok" while the process serves; 503 "draining" after SIGTERM/SIGINT
//   GET /decisions  the recent connection decisions as NDJSON (decisions_endpoint.hpp)
//   GET /metrics Prometheus text format 0.0.4 (proxy/metrics_scrape.hpp)
// Other paths are 404, other methods 405 with `Allow: GET`.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "proxy/asio_types.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/runtime.hpp"

namespace gatehouse::proxy {

struct AdminReply {
  unsigned status = 200;
  std::string body;   // one line, newline-terminated
  std::string allow;  // the Allow header of a 405
  bool operator==(const AdminReply&) const = default;
};

// Pure: the answer to `method target` given the sidecar's state. The query string is ignored.
// `unready_reason`: non-empty when authorization cannot work (503 with that text).
AdminReply admin_reply(std::string_view method, std::string_view target, bool ready, bool draining,
                       std::string_view unready_reason = {});

class AdminServer {
 public:
  // Binds and listens on `address` (port 0 picks a free port); the error names the address.
  static boost::system::result<std::unique_ptr<AdminServer>, std::string> bind(
      const boost::asio::any_io_executor& executor, const HostPort& address,
      std::shared_ptr<const Runtime> runtime);

  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  tcp::endpoint local_endpoint() const;
  // Starts serving and logs `event=listening listener=admin addr=<ip>:<port>`.
  void start();
  // Closes the listener and every open admin connection.
  void stop();

  struct State;

 private:
  explicit AdminServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::proxy
