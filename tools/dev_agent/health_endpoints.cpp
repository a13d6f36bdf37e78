#include "tools/dev_agent/health_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "tools/dev_agent/catalog_filter_schema.hpp"
#include "tools/dev_agent/list_filter.hpp"
#include "tools/dev_agent/query_options.hpp"
#include "tools/dev_agent/view_query.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

Response error(const HttpError& e) { return Response::error(e); }

// getBoolQueryParam: absent → false, present without value → true, else Go's ParseBool.
std::optional<bool> passing_param(const Request& req) {
  auto p = req.query("passing");
  if (!p) return false;
  if (p->empty()) return true;
  return parse_go_bool(*p);
}

// filterNonPassing (agent/health_endpoint.go) drops an entry by swapping the last one into its
// place, so the survivors' order is Consul's, not the catalog's.
void filter_non_passing(std::vector<consul::ServiceEntry>& nodes) {
  std::size_t n = nodes.size();
  for (std::size_t i = 0; i < n;) {
    if (nodes[i].passing()) {
      ++i;
      continue;
    }
    std::swap(nodes[i], nodes[n - 1]);
    --n;
  }
  nodes.resize(n);
}

// The `?filter=` runs before the ACL filter, so only what it kept counts as removed by ACLs.
Response checks_response(Indexed<std::vector<consul::HealthCheck>> view, ReadAccess access,
                         const FilterExpression& filter) {
  keep_matching(view.value, filter);
  json body = json::array();
  if (access == ReadAccess::kAll) {
    for (const auto& c : view.value) body.push_back(c);
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, access == ReadAccess::kNothing && !view.value.empty());
  return res;
}

// healthServiceNodes for /v1/health/service/ and /v1/health/connect/. Health.ServiceNodes
// (agent/consul/health_endpoint.go) resolves the token, answers a Connect query without
// service:read empty, and only then compiles `?filter=` (structs.CheckServiceNode); the filter
// runs before the ACL filter and the HTTP handler's `?passing`.
net::awaitable<Response> service_nodes(AgentContext& ctx, const Request& req,
                                       std::string_view prefix, bool connect) {
  const auto name = req.path_suffix(prefix);
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  const auto tags = req.query_all("tag");
  Indexed<std::vector<consul::ServiceEntry>> view;
  if (connect && *access == ReadAccess::kNothing) {
    // Health.ServiceNodes answers a Connect query without service:read on the target with an
    // empty response before blocking (agent/consul/health_endpoint.go).
  } else {
    auto filter = list_filter(req, check_service_node_filter_schema());
    if (!filter) co_return error(filter.error());
    if (connect) {
      view = co_await run_view_query(ctx, *params,
                                     [&] { return ctx.catalog.check_connect_service_nodes(name); });
    } else {
      view = co_await run_view_query(ctx, *params,
                                     [&] { return ctx.catalog.check_service_nodes(name, tags); });
    }
    keep_matching(view.value, *filter);
  }
  // ?passing is read after the query, as Consul does (its FIXME notwithstanding).
  const auto passing = passing_param(req);
  if (!passing) co_return error(HttpError::bad_request("Invalid value for ?passing"));
  const bool removed = *access == ReadAccess::kNothing && !view.value.empty();
  if (*access == ReadAccess::kNothing) view.value.clear();
  if (*passing) filter_non_passing(view.value);
  json body = json::array();
  for (const auto& entry : view.value) body.push_back(entry);
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, removed);
  co_return res;
}

net::awaitable<Response> health_service(AgentContext& ctx, const Request& req) {
  return service_nodes(ctx, req, "/v1/health/service/", false);
}

net::awaitable<Response> health_connect(AgentContext& ctx, const Request& req) {
  return service_nodes(ctx, req, "/v1/health/connect/", true);
}

// Health.ServiceChecks, NodeChecks and ChecksInState compile `?filter=` (structs.HealthCheck)
// before they resolve the token (agent/consul/health_endpoint.go).
net::awaitable<Response> health_checks(AgentContext& ctx, const Request& req) {
  const auto name = req.path_suffix("/v1/health/checks/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto filter = list_filter(req, health_check_filter_schema());
  if (!filter) co_return error(filter.error());
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  auto view =
      co_await run_view_query(ctx, *params, [&] { return ctx.catalog.service_checks(name); });
  co_return checks_response(std::move(view), *access, *filter);
}

net::awaitable<Response> health_node(AgentContext& ctx, const Request& req) {
  const auto node = req.path_suffix("/v1/health/node/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (node.empty()) co_return error(HttpError::bad_request("Missing node name"));
  auto filter = list_filter(req, health_check_filter_schema());
  if (!filter) co_return error(filter.error());
  auto access = read_access(ctx, req, "node:read", node);
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params, [&] { return ctx.catalog.node_checks(node); });
  co_return checks_response(std::move(view), *access, *filter);
}

// Consul does not validate the state: "any" lists every check, any other word is looked up in
// the status index and an unknown one finds nothing (agent/consul/state/catalog.go
// checksInStateTxn); only an empty state is a 400.
net::awaitable<Response> health_state(AgentContext& ctx, const Request& req) {
  const auto state = req.path_suffix("/v1/health/state/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (state.empty()) co_return error(HttpError::bad_request("Missing check state"));
  auto filter = list_filter(req, health_check_filter_schema());
  if (!filter) co_return error(filter.error());
  auto access = read_access(ctx, req, "node:read", "");
  if (!access) co_return error(access.error());
  auto view =
      co_await run_view_query(ctx, *params, [&] { return ctx.catalog.checks_in_state(state); });
  co_return checks_response(std::move(view), *access, *filter);
}

}  // namespace

void add_health_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/health/service/", {"GET"}, bind_endpoint(ctx, health_service));
  router.add("/v1/health/connect/", {"GET"}, bind_endpoint(ctx, health_connect));
  router.add("/v1/health/checks/", {"GET"}, bind_endpoint(ctx, health_checks));
  router.add("/v1/health/node/", {"GET"}, bind_endpoint(ctx, health_node));
  router.add("/v1/health/state/", {"GET"}, bind_endpoint(ctx, health_state));
}

}  // namespace gatehouse::tools
