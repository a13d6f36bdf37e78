#include "tools/dev_agent/ca_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "consul/json_decode.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/agent_cache.hpp"
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

// The agent cache keys an entry by the request and its token (the request's CacheInfo).
std::string cache_key(std::string_view kind, std::string_view name, const Request& req) {
  return std::string{kind} + '\n' + std::string{name} + '\n' + req.token().value_or("");
}

// Both roots endpoints: block while the roots index is not above the client's. The agent's own
// is served from its cache (ConnectCARoot, a background-refreshed type): a HIT has Age 0, and a
// query that had to wait for new roots is a MISS (agent/cache/cache.go getWithIndex).
net::awaitable<Response> roots_response(AgentContext& ctx, const Request& req, bool agent_cache) {
  auto params = parse_blocking_params(req);
  if (!params) co_return Response::error(params.error());
  const bool waits = should_block(params->index, ctx.ca.roots_index());
  const auto deadline = steady_deadline(query_timeout(params->wait));
  co_await ctx.store.notifier().block_until(
      [&] { return !should_block(params->index, ctx.ca.roots_index()); }, deadline);
  Response res = Response::json(ctx.ca.roots());
  set_query_meta(res, ctx.ca.roots_index());
  if (agent_cache) {
    const auto key = cache_key("roots", "", req);
    set_cache_meta(res, !waits && ctx.cache.fetched_at(key).has_value());
    ctx.cache.record_fetch(key, Clock::now());
  }
  co_return res;
}

net::awaitable<Response> agent_roots(AgentContext& ctx, const Request& req) {
  return roots_response(ctx, req, true);
}

net::awaitable<Response> connect_roots(AgentContext& ctx, const Request& req) {
  return roots_response(ctx, req, false);
}

// The leaf manager (agent/leafcert/leafcert.go Get, certNeedsUpdate) revalidates on every
// non-blocking Get, a MISS; a blocking Get whose index is already behind the held leaf is a HIT
// aged from the last fetch; one that had to wait for a new leaf is a MISS.
void set_leaf_cache_meta(AgentContext& ctx, Response& res, const std::string& key,
                         bool answered_from_cache) {
  const auto now = Clock::now();
  const auto fetched = ctx.cache.fetched_at(key);
  if (answered_from_cache && fetched) {
    set_cache_meta(res, true, now - *fetched);
    return;
  }
  set_cache_meta(res, false);
  ctx.cache.record_fetch(key, now);
}

net::awaitable<Response> leaf(AgentContext& ctx, const Request& req) {
  const auto service = req.path_suffix("/v1/agent/connect/ca/leaf/");
  auto params = parse_blocking_params(req);
  if (!params) co_return Response::error(params.error());
  if (auto denied = ctx.acl.require(req, "service:write", service)) {
    co_return Response::error(*denied);
  }
  const auto deadline = steady_deadline(leaf_timeout(params->wait));
  const auto key = cache_key("leaf", service, req);
  bool first_look = true;
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
      set_leaf_cache_meta(ctx, res, key, first_look && params->index > 0);
      co_return res;
    }
    first_look = false;
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
