#include "tools/dev_agent/intention_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "consul/intention_decision.hpp"
#include "consul/json_decode.hpp"
#include "tls/certificate.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/decision_defaults.hpp"
#include "tools/dev_agent/intention_query.hpp"
#include "tools/dev_agent/intention_store.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/v1/connect/intentions/";

Response error(const HttpError& e) { return Response::error(e); }

std::string now_rfc3339() { return tls::format_rfc3339(std::chrono::system_clock::now()); }

// Waits per §1.1 on the config-entries index, which every intention view reads.
net::awaitable<std::optional<HttpError>> block_on_entries(AgentContext& ctx, const Request& req) {
  auto params = parse_blocking_params(req);
  if (!params) co_return params.error();
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            query_timeout(params->wait));
  co_await ctx.store.notifier().block_until(
      [&] { return !should_block(params->index, ctx.intentions.index()); }, deadline);
  co_return std::nullopt;
}

net::awaitable<Response> list(AgentContext& ctx, const Request& req) {
  if (auto e = co_await block_on_entries(ctx, req)) co_return error(*e);
  json body = json::array();
  bool filtered = false;
  if (!ctx.acl.require(req, "intentions:read", "*")) {
    for (const auto& ixn : ctx.intentions.all()) body.push_back(ixn);
  } else {
    filtered = true;  // the anonymous token may read nothing: an empty, filtered list
  }
  Response res = Response::json(body);
  set_query_meta(res, ctx.intentions.index());
  if (filtered) res.set_header("X-Consul-Results-Filtered-By-ACLs", "true");
  co_return res;
}

net::awaitable<Response> legacy_create(AgentContext& ctx, const Request& req) {
  auto ixn = consul::decode_json<consul::Intention>(req.body(), consul::kStrictBody);
  if (!ixn) co_return error(HttpError::internal("Failed to decode request body: " + ixn.error()));
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  auto id = ctx.intentions.create_legacy(std::move(*ixn), now_rfc3339());
  if (!id) co_return error(id.error());
  co_return Response::json(json{{"ID", *id}});
}

net::awaitable<Response> collection(AgentContext& ctx, const Request& req) {
  if (req.method() == "POST") co_return co_await legacy_create(ctx, req);
  co_return co_await list(ctx, req);
}

struct Pair {
  consul::ServiceRef source;
  consul::ServiceRef destination;
};

boost::system::result<Pair, HttpError> source_and_destination(const Request& req) {
  auto source = required_query(req, "source");
  if (!source) return source.error();
  auto destination = required_query(req, "destination");
  if (!destination) return destination.error();
  auto src = service_ref(*source);
  if (!src) return src.error();
  auto dst = service_ref(*destination);
  if (!dst) return dst.error();
  return Pair{*src, *dst};
}

net::awaitable<Response> exact(AgentContext& ctx, const Request& req) {
  auto pair = source_and_destination(req);
  if (!pair) co_return error(pair.error());
  const auto& [src, dst] = *pair;
  if (req.method() == "GET") {
    if (auto denied = ctx.acl.require(req, "intentions:read", dst.name)) co_return error(*denied);
    auto found = ctx.intentions.get_exact(src, dst);
    if (!found) co_return error(HttpError::not_found("Intention not found"));
    co_return Response::json(*found);  // no X-Consul-Index (reference §12.5)
  }
  if (req.method() == "PUT") {
    auto ixn = consul::decode_json<consul::Intention>(req.body(), consul::kStrictBody);
    if (!ixn) co_return error(HttpError::bad_request("Request decode failed: " + ixn.error()));
    if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
    if (auto failed = ctx.intentions.put_exact(src, dst, std::move(*ixn))) co_return error(*failed);
    co_return Response::json(true);
  }
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  ctx.intentions.delete_exact(src, dst);
  co_return Response::json(true);
}

net::awaitable<Response> check(AgentContext& ctx, const Request& req) {
  auto pair = source_and_destination(req);
  if (!pair) co_return error(pair.error());
  if (auto type = req.query("source-type"); type && !type->empty() && *type != "consul") {
    co_return error(HttpError::internal("unsupported SourceType: " + *type));
  }
  if (auto denied = ctx.acl.require(req, "service:read", pair->destination.name)) {
    co_return error(*denied);
  }
  const auto all = ctx.intentions.all();
  const auto decision = consul::decide_connection(all, pair->source, pair->destination,
                                                  decision_defaults(ctx.options));
  co_return Response::json(json{{"Allowed", decision.allowed}});
}

net::awaitable<Response> match(AgentContext& ctx, const Request& req) {
  auto by = required_query(req, "by");
  if (!by) co_return error(by.error());
  if (*by != "source" && *by != "destination") {
    co_return error(HttpError::internal("'by' parameter must be one of 'source' or 'destination'"));
  }
  auto names = req.query_all("name");
  std::erase_if(names, [](const std::string& n) { return n.empty(); });
  if (names.empty()) co_return error(HttpError::internal("required query parameter 'name' not set"));
  std::vector<consul::ServiceRef> refs;
  for (const auto& name : names) {
    auto ref = service_ref(name);
    if (!ref) co_return error(HttpError::internal("name \"" + name + "\" is invalid: " + ref.error().body));
    refs.push_back(*ref);
  }
  for (const auto& ref : refs) {
    if (auto denied = ctx.acl.require(req, "intentions:read", ref.name)) co_return error(*denied);
  }
  if (auto e = co_await block_on_entries(ctx, req)) co_return error(*e);
  const auto match_by = *by == "source" ? consul::MatchBy::source : consul::MatchBy::destination;
  json body = json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    body[names[i]] = ctx.intentions.match(match_by, refs[i]);
  }
  Response res = Response::json(body);
  set_query_meta(res, ctx.intentions.index());
  co_return res;
}

// go-uuid's ParseUUID checks, which Consul's legacy endpoints surface as a 400.
std::optional<std::string> uuid_problem(std::string_view id) {
  if (id.size() != 36) return "uuid string is wrong length";
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = std::isxdigit(static_cast<unsigned char>(id[i])) != 0;
    if (dash_pos ? id[i] != '-' : !hex) return "uuid is improperly formatted";
  }
  return std::nullopt;
}

net::awaitable<Response> by_id(AgentContext& ctx, const Request& req) {
  const auto id = req.path_suffix(kPrefix);
  if (req.method() == "GET") {
    if (auto problem = uuid_problem(id)) co_return error(HttpError::bad_request(*problem));
    if (auto denied = ctx.acl.require(req, "intentions:read", "*")) co_return error(*denied);
    auto found = ctx.intentions.get_legacy(id);
    if (!found) co_return error(HttpError::not_found("Intention not found"));
    co_return Response::json(*found);  // no X-Consul-Index (reference §12.5)
  }
  if (req.method() == "PUT") {
    auto ixn = consul::decode_json<consul::Intention>(req.body(), consul::kStrictBody);
    if (!ixn) co_return error(HttpError::internal("Failed to decode request body: " + ixn.error()));
    if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
    if (auto failed = ctx.intentions.update_legacy(id, std::move(*ixn), now_rfc3339())) {
      co_return error(*failed);
    }
    co_return Response::json(json{{"ID", id}});
  }
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  if (auto failed = ctx.intentions.delete_legacy(id)) co_return error(*failed);
  co_return Response::json(true);
}

}  // namespace

void add_intention_endpoints(Router& router, AgentContext& ctx) {
  router.add("/v1/connect/intentions", {"GET", "POST"}, bind_endpoint(ctx, collection));
  router.add("/v1/connect/intentions/match", {"GET"}, bind_endpoint(ctx, match));
  router.add("/v1/connect/intentions/check", {"GET"}, bind_endpoint(ctx, check));
  router.add("/v1/connect/intentions/exact", {"GET", "PUT", "DELETE"}, bind_endpoint(ctx, exact));
  router.add(std::string{kPrefix}, {"GET", "PUT", "DELETE"}, bind_endpoint(ctx, by_id));
}

}  // namespace gatehouse::tools
