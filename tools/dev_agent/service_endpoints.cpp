#include "tools/dev_agent/service_endpoints.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "consul/json_decode.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/catalog.hpp"
#include "tools/dev_agent/catalog_filter_schema.hpp"
#include "tools/dev_agent/dev_agent_options.hpp"
#include "tools/dev_agent/list_filter.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

Response error(const HttpError& e) { return Response::error(e); }

std::chrono::steady_clock::time_point deadline_for(std::chrono::nanoseconds wait) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(query_timeout(wait));
}

net::awaitable<Response> register_service(AgentContext& ctx, const Request& req) {
  auto reg =
      consul::decode_json<consul::AgentServiceRegistration>(req.body(), consul::kStrictBodyAnyCase);
  if (!reg) co_return error(HttpError::bad_request("Request decode failed: " + reg.error()));
  if (auto denied = ctx.acl.require(req, "service:write", reg->name)) co_return error(*denied);
  bool replace = false;
  if (auto r = req.query("replace-existing-checks"))
    replace = r->empty() || parse_go_bool(*r) == true;
  if (auto failed = ctx.catalog.register_service(*reg, replace)) co_return error(*failed);
  co_return Response::empty();
}

net::awaitable<Response> deregister_service(AgentContext& ctx, const Request& req) {
  const auto id = req.path_suffix("/v1/agent/service/deregister/");
  const auto existing = ctx.catalog.service(id);
  if (auto denied = ctx.acl.require(req, "service:write", existing ? existing->service : id)) {
    co_return error(*denied);
  }
  if (!ctx.catalog.deregister_service(id)) {
    co_return error(HttpError::not_found("Unknown service ID \"" + id +
                                         "\". Ensure that the service ID is passed, not the "
                                         "service name."));
  }
  co_return Response::empty();
}

// Hash-based blocking (agent/agent_endpoint.go AgentService): wait while the content hash equals
// `?hash=`.
net::awaitable<Response> get_service(AgentContext& ctx, const Request& req) {
  const auto id = req.path_suffix("/v1/agent/service/");
  auto params = parse_blocking_params(req);
  if (!params) co_return error(params.error());
  auto current = ctx.catalog.service(id);
  if (!current) co_return error(HttpError::not_found("unknown service ID: " + id));
  if (auto denied = ctx.acl.require(req, "service:read", current->service))
    co_return error(*denied);
  if (params->hash) {
    co_await ctx.store.notifier().block_until(
        [&] {
          current = ctx.catalog.service(id);
          return !current || current->content_hash != *params->hash;
        },
        deadline_for(params->wait));
    if (!current) co_return error(HttpError::not_found("unknown service ID: " + id));
  }
  Response res = Response::json(*current);
  res.set_header("X-Consul-ContentHash", current->content_hash);
  co_return res;
}

// agent/agent_endpoint.go AgentServices/AgentChecks resolve the token first: a token the agent
// cannot find is refused (ACL not found), no token reads as anonymous (filtered to nothing). The
// `?filter=` runs before the ACL filter, so only what it kept counts as removed by ACLs.
//
// AgentServices compiles `?filter=` over map[string]*api.AgentService (the selectors of
// structs.NodeService) after the token, a bad one being a 500 with go-bexpr's text.
net::awaitable<Response> list_services(AgentContext& ctx, const Request& req) {
  if (auto unknown = ctx.acl.resolve(req)) co_return error(*unknown);
  auto filter = list_filter(req, node_service_filter_schema());
  if (!filter) co_return error(filter.error());
  json matching = json::object();
  for (const auto& [id, s] : ctx.catalog.services()) {
    json item = s;
    if (filter->matches(item)) matching[id] = std::move(item);
  }
  const bool filtered = ctx.acl.require(req, "service:read", "*").has_value();
  Response res = Response::json(filtered ? json::object() : matching);
  if (filtered && !matching.empty()) res.set_header("X-Consul-Results-Filtered-By-ACLs", "true");
  co_return res;
}

// AgentChecks calls bexpr.CreateFilter without a data type: the syntax is checked after the
// token, but the selectors only when the first check is evaluated, and that error (a 500) has
// no "Failed to create boolean expression evaluator" prefix; with no checks nothing fails.
net::awaitable<Response> list_checks(AgentContext& ctx, const Request& req) {
  if (auto unknown = ctx.acl.resolve(req)) co_return error(*unknown);
  auto filter = FilterExpression::create_unbound(req.query("filter").value_or(""),
                                                 health_check_filter_schema());
  if (!filter) co_return error(HttpError::internal(filter.error()));
  ctx.catalog.expire_ttl_checks(std::chrono::steady_clock::now());
  const auto checks = ctx.catalog.checks();
  if (!checks.empty() && !filter->evaluation_error().empty()) {
    co_return error(HttpError::internal(filter->evaluation_error()));
  }
  json matching = json::object();
  for (const auto& [id, c] : checks) {
    json item = c;
    if (filter->matches(item)) matching[id] = std::move(item);
  }
  const bool filtered = ctx.acl.require(req, "service:read", "*").has_value();
  Response res = Response::json(filtered ? json::object() : matching);
  if (filtered && !matching.empty()) res.set_header("X-Consul-Results-Filtered-By-ACLs", "true");
  co_return res;
}

net::awaitable<Response> update_check(AgentContext& ctx, const Request& req,
                                      std::string_view prefix, std::string_view status) {
  const auto id = req.path_suffix(prefix);
  const auto checks = ctx.catalog.checks();
  const auto it = checks.find(id);
  // vetCheckUpdate: service:write on the check's service, node:write for node checks.
  const bool service_check = it != checks.end() && !it->second.service_name.empty();
  if (auto denied = service_check ? ctx.acl.require(req, "service:write", it->second.service_name)
                                  : ctx.acl.require(req, "node:write", ctx.options.node_name)) {
    co_return error(*denied);
  }
  if (auto failed = ctx.catalog.update_ttl_check(id, status, req.query("note").value_or(""))) {
    co_return error(*failed);
  }
  co_return Response::empty();
}

net::awaitable<Response> pass_check(AgentContext& ctx, const Request& req) {
  return update_check(ctx, req, "/v1/agent/check/pass/", "passing");
}
net::awaitable<Response> warn_check(AgentContext& ctx, const Request& req) {
  return update_check(ctx, req, "/v1/agent/check/warn/", "warning");
}
net::awaitable<Response> fail_check(AgentContext& ctx, const Request& req) {
  return update_check(ctx, req, "/v1/agent/check/fail/", "critical");
}

}  // namespace

void add_service_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/agent/services", {"GET"}, bind_endpoint(ctx, list_services));
  router.add("/v1/agent/service/", {"GET"}, bind_endpoint(ctx, get_service));
  router.add("/v1/agent/checks", {"GET"}, bind_endpoint(ctx, list_checks));
  router.add("/v1/agent/check/pass/", {"PUT"}, bind_endpoint(ctx, pass_check));
  router.add("/v1/agent/check/warn/", {"PUT"}, bind_endpoint(ctx, warn_check));
  router.add("/v1/agent/check/fail/", {"PUT"}, bind_endpoint(ctx, fail_check));
  router.add("/v1/agent/service/register", {"PUT"}, bind_endpoint(ctx, register_service));
  router.add("/v1/agent/service/deregister/", {"PUT"}, bind_endpoint(ctx, deregister_service));
}

}  // namespace gatehouse::tools
