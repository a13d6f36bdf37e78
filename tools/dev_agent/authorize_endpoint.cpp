#include "tools/dev_agent/authorize_endpoint.hpp"

#include <nlohmann/json.hpp>

#include "consul/authorize.hpp"
#include "consul/caller_service.hpp"
#include "consul/json_decode.hpp"
#include "tls/spiffe_id.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/agent_cache.hpp"
#include "tools/dev_agent/decision_defaults.hpp"
#include "tools/dev_agent/intention_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;

namespace {

// Validation in Consul's order: body, Target, URI, then the ACL check; the trust domain is
// deliberately not compared (TLS chain validation is what establishes trust).
net::awaitable<Response> authorize(AgentContext& ctx, const Request& req) {
  auto body = consul::decode_json<consul::AuthorizeRequest>(req.body(), consul::kStrictBody);
  if (!body) {
    co_return Response::error(HttpError::bad_request("Request decode failed: " + body.error()));
  }
  if (body->target.empty()) {
    co_return Response::error(HttpError::bad_request("Target service must be specified"));
  }
  auto uri = tls::SpiffeId::parse(body->client_cert_uri);
  if (!uri) {
    co_return Response::error(
        HttpError::bad_request("ClientCertURI not a valid Connect identifier"));
  }
  const auto* caller = uri->service();
  if (caller == nullptr) {
    co_return Response::error(
        HttpError::bad_request("ClientCertURI not a valid Service identifier"));
  }
  if (auto denied = ctx.acl.require(req, "service:write", body->target)) {
    co_return Response::error(*denied);
  }
  const consul::ServiceRef source = consul::caller_service(*caller);
  consul::ServiceRef destination;
  destination.name = body->target;
  const auto all = ctx.intentions.all();
  const auto decision =
      consul::decide_connection(all, source, destination, decision_defaults(ctx.options));
  Response res = Response::json(consul::AuthorizeResponse{decision.allowed, decision.reason});
  // Answered from the agent's intention-match cache (agent/agent.go ConnectAuthorize), a
  // background-refreshed type keyed by target and token: the first Get is a MISS, later ones are
  // HITs with Age 0 (agent/cache/cache.go getWithIndex).
  const auto key = body->target + '\n' + req.token().value_or("");
  set_cache_meta(res, ctx.cache.fetched_at(key).has_value());
  ctx.cache.record_fetch(key, std::chrono::steady_clock::now());
  co_return res;
}

}  // namespace

void add_authorize_endpoint(Router& router, AgentContext& ctx) {
  router.add("/v1/agent/connect/authorize", {"POST"}, bind_endpoint(ctx, authorize));
}

}  // namespace gatehouse::tools
