#include "tools/dev_agent/catalog_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "tools/dev_agent/query_options.hpp"
#include "tools/dev_agent/view_query.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

Response error(const HttpError& e) { return Response::error(e); }

Response services_response(const Indexed<std::vector<consul::CatalogService>>& view,
                           ReadAccess access) {
  json body = json::array();
  if (access == ReadAccess::kAll) {
    for (const auto& s : view.value) body.push_back(s);
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, access == ReadAccess::kNothing && !view.value.empty());
  return res;
}

net::awaitable<Response> catalog_services(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto access = read_access(ctx, req, "service:read", "*");
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params, [&] { return ctx.catalog.services_view(); });
  json body = json::object();
  if (*access == ReadAccess::kAll) {
    for (const auto& [name, tags] : view.value) body[name] = tags;
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, *access == ReadAccess::kNothing && !view.value.empty());
  co_return res;
}

// CatalogServiceNodes: every `?tag=` must match (ServiceTags, Consul ≥ 1.3).
net::awaitable<Response> catalog_service(AgentContext& ctx, const Request& req) {
  const auto name = req.path_suffix("/v1/catalog/service/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  const auto tags = req.query_all("tag");
  auto view = co_await run_view_query(ctx, *params,
                                      [&] { return ctx.catalog.service_nodes(name, tags); });
  co_return services_response(view, *access);
}

net::awaitable<Response> catalog_connect(AgentContext& ctx, const Request& req) {
  const auto name = req.path_suffix("/v1/catalog/connect/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params,
                                      [&] { return ctx.catalog.connect_service_nodes(name); });
  co_return services_response(view, *access);
}

net::awaitable<Response> catalog_nodes(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto access = read_access(ctx, req, "node:read", "*");
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params, [&] { return ctx.catalog.nodes(); });
  json body = json::array();
  if (*access == ReadAccess::kAll) {
    for (const auto& n : view.value) body.push_back(n);
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, *access == ReadAccess::kNothing && !view.value.empty());
  co_return res;
}

// CatalogNodeServices: {"Node": …, "Services": {id: NodeService}}, or `null` for an unknown node.
net::awaitable<Response> catalog_node(AgentContext& ctx, const Request& req) {
  const auto node = req.path_suffix("/v1/catalog/node/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (node.empty()) co_return error(HttpError::bad_request("Missing node name"));
  auto access = read_access(ctx, req, "node:read", node);
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params, [&] { return ctx.catalog.node_services(node); });
  json body = nullptr;
  if (view.value && *access == ReadAccess::kAll) {
    json services = json::object();
    for (const auto& s : view.value->services) services[s.id] = consul::node_service_to_json(s);
    body = {{"Node", view.value->node}, {"Services", std::move(services)}};
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, *access == ReadAccess::kNothing && view.value.has_value());
  co_return res;
}

}  // namespace

void add_catalog_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/catalog/services", {"GET"}, bind_endpoint(ctx, catalog_services));
  router.add("/v1/catalog/service/", {"GET"}, bind_endpoint(ctx, catalog_service));
  router.add("/v1/catalog/connect/", {"GET"}, bind_endpoint(ctx, catalog_connect));
  router.add("/v1/catalog/nodes", {"GET"}, bind_endpoint(ctx, catalog_nodes));
  router.add("/v1/catalog/node/", {"GET"}, bind_endpoint(ctx, catalog_node));
}

}  // namespace gatehouse::tools
