#include "tools/dev_agent/dev_agent.hpp"

#include <spdlog/spdlog.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>

#include "tools/dev_agent/authorize_endpoint.hpp"
#include "tools/dev_agent/ca_endpoints.hpp"
#include "tools/dev_agent/catalog_endpoints.hpp"
#include "tools/dev_agent/config_endpoints.hpp"
#include "tools/dev_agent/health_endpoints.hpp"
#include "tools/dev_agent/intention_endpoints.hpp"
#include "tools/dev_agent/printable_path.hpp"
#include "tools/dev_agent/service_endpoints.hpp"
#include "tools/dev_agent/status_endpoints.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;

namespace {

// Keeps a quoted log value one token (and a -log-json line valid JSON).
std::string log_value(std::string text) {
  for (auto& c : text) {
    if (c == '"' || c == '\\') c = '\'';
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

DevAgent::DevAgent(DevAgentOptions options)
    : options_{std::move(options)},
      acl_{options_.acl_token},
      ca_{store_, options_.datacenter},
      intentions_{store_},
      node_id_{boost::uuids::to_string(boost::uuids::random_generator{}())},
      catalog_{store_, options_.node_name, options_.datacenter, node_id_},
      ctx_{options_, node_id_, store_, acl_, ca_, intentions_, catalog_, cache_} {
  add_status_endpoints(router_, ctx_);
  add_ca_endpoints(router_, ctx_);
  add_authorize_endpoint(router_, ctx_);
  add_intention_endpoints(router_, ctx_);
  add_config_endpoints(router_, ctx_);
  add_service_endpoints(router_, ctx_);
  add_health_endpoints(router_, ctx_);
  add_catalog_endpoints(router_, ctx_);
}

boost::system::result<std::unique_ptr<DevAgent>, std::string> DevAgent::create(
    DevAgentOptions options) {
  std::unique_ptr<DevAgent> agent{new DevAgent{std::move(options)}};
  if (auto ok = agent->ca_.initialize(std::chrono::system_clock::now()); !ok) {
    return {boost::system::in_place_error, ok.error()};
  }
  return agent;
}

// Every endpoint goes through here: a handler that throws still answers (500 with the reason, as
// Consul's `wrap` answers a handler error) and is logged, instead of closing the connection.
net::awaitable<Response> DevAgent::dispatch(const Request& request) {
  if (!is_printable_path(request.path())) co_return Response::empty(400);
  std::string failure;
  try {
    co_return co_await router_.dispatch(request);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  co_return Response::error(HttpError::internal("Internal error: " + failure));
}

net::awaitable<Response> DevAgent::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  Response response = co_await dispatch(request);
  response.set_header("X-Consul-Default-ACL-Policy", options_.acl_default_policy);
  const auto dur_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  if (response.status >= 500) {
    SPDLOG_WARN("event=request method={} path={} status={} dur_ms={} error=\"{}\"",
                request.method(), log_value(request.path()), response.status, dur_ms,
                log_value(response.body));
  } else {
    SPDLOG_DEBUG("event=request method={} path={} status={} dur_ms={}", request.method(),
                 log_value(request.path()), response.status, dur_ms);
  }
  co_return response;
}

}  // namespace gatehouse::tools
