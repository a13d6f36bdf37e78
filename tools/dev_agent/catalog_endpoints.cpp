#include "tools/dev_agent/catalog_endpoints.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "tools/dev_agent/catalog_filter_schema.hpp"
#include "tools/dev_agent/list_filter.hpp"
#include "tools/dev_agent/query_options.hpp"
#include "tools/dev_agent/view_query.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

Response error(const HttpError& e) { return Response::error(e); }

// The `?filter=` runs before the ACL filter, so only what it kept counts as removed by ACLs.
Response services_response(Indexed<std::vector<consul::CatalogService>> view, ReadAccess access,
                           const FilterExpression& filter) {
  keep_matching(view.value, filter);
  json body = json::array();
  if (access == ReadAccess::kAll) {
    for (const auto& s : view.value) body.push_back(s);
  }
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, access == ReadAccess::kNothing && !view.value.empty());
  return res;
}

// servicesTagsByName: each service name with the union of its instances' tags.
json tags_by_name(const std::vector<consul::CatalogService>& instances) {
  std::map<std::string, std::set<std::string>> tags;
  for (const auto& i : instances)
    tags[i.service.service].insert(i.service.tags.begin(), i.service.tags.end());
  json body = json::object();
  for (const auto& [name, set] : tags)
    body[name] = std::vector<std::string>(set.begin(), set.end());
  return body;
}

// Catalog.ListServices (agent/consul/catalog_endpoint.go): the token is resolved, then
// `?filter=` compiled over structs.ServiceNode; it runs on every service instance before they
// are grouped by name, so a name none of whose instances match is left out.
net::awaitable<Response> catalog_services(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto access = read_access(ctx, req, "service:read", "*");
  if (!access) co_return error(access.error());
  auto filter = list_filter(req, service_node_filter_schema());
  if (!filter) co_return error(filter.error());
  auto view =
      co_await run_view_query(ctx, *params, [&] { return ctx.catalog.service_instances(); });
  keep_matching(view.value, *filter);
  json body = json::object();
  if (*access == ReadAccess::kAll) body = tags_by_name(view.value);
  Response res = Response::json(body);
  set_query_meta(res, view.index);
  mark_filtered(res, *access == ReadAccess::kNothing && !view.value.empty());
  co_return res;
}

// CatalogServiceNodes: every `?tag=` must match (ServiceTags, Consul ≥ 1.3). Catalog.ServiceNodes
// resolves the token, answers a Connect query without service:read empty, then compiles
// `?filter=` over structs.ServiceNode (agent/consul/catalog_endpoint.go).
net::awaitable<Response> catalog_service(AgentContext& ctx, const Request& req) {
  const auto name = req.path_suffix("/v1/catalog/service/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  auto filter = list_filter(req, service_node_filter_schema());
  if (!filter) co_return error(filter.error());
  const auto tags = req.query_all("tag");
  auto view =
      co_await run_view_query(ctx, *params, [&] { return ctx.catalog.service_nodes(name, tags); });
  co_return services_response(std::move(view), *access, *filter);
}

net::awaitable<Response> catalog_connect(AgentContext& ctx, const Request& req) {
  const auto name = req.path_suffix("/v1/catalog/connect/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (name.empty()) co_return error(HttpError::bad_request("Missing service name"));
  auto access = read_access(ctx, req, "service:read", name);
  if (!access) co_return error(access.error());
  if (*access == ReadAccess::kNothing) {
    // Catalog.ServiceNodes answers a Connect query without service:read on the target with an
    // empty response before it compiles the filter or blocks.
    Response res = Response::json(json::array());
    set_query_meta(res, 0);
    co_return res;
  }
  auto filter = list_filter(req, service_node_filter_schema());
  if (!filter) co_return error(filter.error());
  auto view = co_await run_view_query(ctx, *params,
                                      [&] { return ctx.catalog.connect_service_nodes(name); });
  co_return services_response(std::move(view), *access, *filter);
}

// Catalog.ListNodes compiles `?filter=` (structs.Node) before anything else; the token is only
// looked at by the ACL filter after it (agent/consul/catalog_endpoint.go).
net::awaitable<Response> catalog_nodes(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto filter = list_filter(req, node_filter_schema());
  if (!filter) co_return error(filter.error());
  auto access = read_access(ctx, req, "node:read", "*");
  if (!access) co_return error(access.error());
  auto view = co_await run_view_query(ctx, *params, [&] { return ctx.catalog.nodes(); });
  keep_matching(view.value, *filter);
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
// Catalog.NodeServices compiles `?filter=` over map[string]*structs.NodeService before it
// resolves the token and filters the node's services with it; the node itself is kept.
net::awaitable<Response> catalog_node(AgentContext& ctx, const Request& req) {
  const auto node = req.path_suffix("/v1/catalog/node/");
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (node.empty()) co_return error(HttpError::bad_request("Missing node name"));
  auto filter = list_filter(req, node_service_filter_schema());
  if (!filter) co_return error(filter.error());
  auto access = read_access(ctx, req, "node:read", node);
  if (!access) co_return error(access.error());
  auto view =
      co_await run_view_query(ctx, *params, [&] { return ctx.catalog.node_services(node); });
  json body = nullptr;
  if (view.value && *access == ReadAccess::kAll) {
    json services = json::object();
    for (const auto& s : view.value->services) {
      json item = consul::node_service_to_json(s);
      if (filter->matches(item)) services[s.id] = std::move(item);
    }
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
