#include "tools/dev_agent/dev_agent.hpp"

#include <spdlog/spdlog.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>

#include "tools/dev_agent/status_endpoints.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;

DevAgent::DevAgent(DevAgentOptions options)
    : options_{std::move(options)},
      acl_{options_.acl_token},
      ctx_{options_, boost::uuids::to_string(boost::uuids::random_generator{}()), store_, acl_} {
  add_status_endpoints(router_, ctx_);
}

boost::system::result<std::unique_ptr<DevAgent>, std::string> DevAgent::create(
    DevAgentOptions options) {
  return std::unique_ptr<DevAgent>{new DevAgent{std::move(options)}};
}

net::awaitable<Response> DevAgent::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  Response response = co_await router_.dispatch(request);
  response.set_header("X-Consul-Default-ACL-Policy", options_.acl_default_policy);
  const auto dur_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  if (response.status >= 500) {
    SPDLOG_WARN("event=request method={} path={} status={} dur_ms={} error=\"{}\"",
                request.method(), request.path(), response.status, dur_ms, response.body);
  } else {
    SPDLOG_DEBUG("event=request method={} path={} status={} dur_ms={}", request.method(),
                 request.path(), response.status, dur_ms);
  }
  co_return response;
}

}  // namespace gatehouse::tools
