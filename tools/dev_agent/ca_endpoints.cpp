#include "tools/dev_agent/ca_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "consul/json_decode.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/ca_manager.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// The leaf manager's default and maximum wait (leafcert: DefaultQueryTimeout = 10m), no jitter.
std::chrono::nanoseconds leaf_timeout(std::chrono::nanoseconds wait) {
  if (wait <= std::chrono::nanoseconds{0} || wait > kMaxQueryTime) return kMaxQueryTime;
  return wait;
}

Clock::time_point steady_deadline(std::chrono::nanoseconds timeout) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
}

// Both roots endpoints: block while the roots index is not above the client's.
net::awaitable<Response> roots_response(AgentContext& ctx, const Request& req, bool agent_cache) {
  auto params = parse_blocking_params(req);
  if (!params) co_return Response::error(params.error());
  const auto deadline = steady_deadline(query_timeout(params->wait));
  co_await ctx.store.notifier().block_until(
      [&] { return !should_block(params->index, ctx.ca.roots_index()); }, deadline);
  Response res = Response::json(ctx.ca.roots());
  set_query_meta(res, ctx.ca.roots_index());
  if (agent_cache) res.set_header("X-Cache", "MISS");
  co_return res;
}

net::awaitable<Response> agent_roots(AgentContext& ctx, const Request& req) {
  return roots_response(ctx, req, true);
}

net::awaitable<Response> connect_roots(AgentContext& ctx, const Request& req) {
  return roots_response(ctx, req, false);
}

net::awaitable<Response> leaf(AgentContext& ctx, const Request& req) {
  const auto service = req.path_suffix("/v1/agent/connect/ca/leaf/");
  auto params = parse_blocking_params(req);
  if (!params) co_return Response::error(params.error());
  if (auto denied = ctx.acl.require(req, "service:write", service)) {
    co_return Response::error(*denied);
  }
  const auto deadline = steady_deadline(leaf_timeout(params->wait));
  for (;;) {
    const auto system_now = std::chrono::system_clock::now();
    // Issuing suspends this handler (the signing runs on the CA worker), not the agent.
    auto current = co_await ctx.ca.leaf(std::string{service}, system_now);
    if (!current) co_return Response::error(HttpError::internal(current.error()));
    const auto index = current->cert.modify_index;
    if (!should_block(params->index, index) || ctx.store.notifier().stopping() ||
        Clock::now() >= deadline) {
      Response res = Response::json(current->cert);
      set_index_header(res, index);
      res.set_header("X-Cache", "MISS");
      co_return res;
    }
    // Wake for a root change, the renewal point, or the deadline; then look again.
    const auto renew_in = current->renew_at - system_now;
    const auto renew_deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(renew_in);
    co_await ctx.store.notifier().wait_until(std::min(deadline, renew_deadline));
  }
}

net::awaitable<Response> ca_configuration(AgentContext& ctx, const Request& req) {
  if (req.method() == "GET") {
    if (auto denied = ctx.acl.require(req, "operator:read")) co_return Response::error(*denied);
    // No X-Consul-Index: ConnectCAConfigurationGet (agent/connect_ca_endpoint.go) sets no
    // query meta.
    co_return Response::json(ctx.ca.configuration());
  }
  auto config = consul::decode_json<consul::CaConfiguration>(req.body(), consul::kStrictBody);
  if (!config) {
    co_return Response::error(HttpError::bad_request("Request decode failed: " + config.error()));
  }
  if (auto denied = ctx.acl.require(req, "operator:write")) co_return Response::error(*denied);
  // A rotation's key generation suspends this handler only; the agent keeps answering.
  if (auto failed =
          co_await ctx.ca.set_configuration(std::move(*config), std::chrono::system_clock::now())) {
    co_return Response::error(*failed);
  }
  co_return Response::empty();
}

}  // namespace

void add_ca_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/agent/connect/ca/roots", {"GET"}, bind_endpoint(ctx, agent_roots));
  router.add("/v1/connect/ca/roots", {"GET"}, bind_endpoint(ctx, connect_roots));
  router.add("/v1/agent/connect/ca/leaf/", {"GET"}, bind_endpoint(ctx, leaf));
  router.add("/v1/connect/ca/configuration", {"GET", "PUT"}, bind_endpoint(ctx, ca_configuration));
}

}  // namespace gatehouse::tools
