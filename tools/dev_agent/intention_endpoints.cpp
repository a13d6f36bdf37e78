#include "tools/dev_agent/intention_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "consul/go_quote.hpp"
#include "consul/intention_decision.hpp"
#include "consul/intention_responses.hpp"
#include "consul/json_decode.hpp"
#include "tls/certificate.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/decision_defaults.hpp"
#include "tools/dev_agent/filter_expression.hpp"
#include "tools/dev_agent/intention_filter_schema.hpp"
#include "tools/dev_agent/intention_query.hpp"
#include "tools/dev_agent/intention_store.hpp"
#include "tools/dev_agent/memdb_uuid.hpp"
#include "tools/dev_agent/query_options.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/v1/connect/intentions/";

Response error(const HttpError& e) { return Response::error(e); }

std::string now_rfc3339() { return tls::format_rfc3339(std::chrono::system_clock::now()); }

// Waits on the config-entries index, which every intention view reads (agent/consul/rpc.go
// blockingQuery); `params` come from parse_query_options.
net::awaitable<void> block_on_entries(AgentContext& ctx, const BlockingParams& params) {
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(query_timeout(params.wait));
  co_await ctx.store.notifier().block_until(
      [&] { return !should_block(params.index, ctx.intentions.index()); }, deadline);
}

// agent/consul/intention_endpoint.go List: the `?filter=` expression is compiled
// (bexpr.CreateFilter; a bad one is a plain error, so 500) before the token is resolved, and runs
// on what the ACL filter left; the index is the table's, whatever the filter keeps.
net::awaitable<Response> list(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto filter = FilterExpression::create(req.query("filter").value_or(""),
                                         intention_filter_schema());
  if (!filter) co_return error(HttpError::internal(filter.error()));
  if (auto unknown = ctx.acl.resolve(req)) co_return error(*unknown);
  co_await block_on_entries(ctx, *params);
  json body = json::array();
  // The anonymous token may read nothing: an empty, filtered list.
  const bool filtered = !ctx.acl.allows_all(req);
  if (!filtered) {
    for (const auto& ixn : ctx.intentions.all()) {
      json item = ixn;
      if (filter->matches(item)) body.push_back(std::move(item));
    }
  }
  Response res = Response::json(body);
  set_query_meta(res, ctx.intentions.index());
  if (filtered) res.set_header("X-Consul-Results-Filtered-By-ACLs", "true");
  co_return res;
}

// agent/intentions_endpoint.go IntentionCreate/IntentionSpecificUpdate: CE has only the default
// partition, and the legacy endpoints refuse any other in the body.
std::optional<HttpError> partition_problem(const consul::Intention& ixn) {
  auto named = [](const std::string& p) { return !p.empty() && p != "default"; };
  if (named(ixn.destination_partition)) {
    return HttpError::bad_request("Cannot specify a destination partition with this endpoint");
  }
  if (named(ixn.source_partition)) {
    return HttpError::bad_request("Cannot specify a source partition with this endpoint");
  }
  return std::nullopt;
}

net::awaitable<Response> legacy_create(AgentContext& ctx, const Request& req) {
  auto ixn = consul::decode_json<consul::Intention>(req.body(), consul::kStrictBody);
  if (!ixn) co_return error(HttpError::internal("Failed to decode request body: " + ixn.error()));
  if (auto problem = partition_problem(*ixn)) co_return error(*problem);
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  auto id = ctx.intentions.create_legacy(std::move(*ixn), now_rfc3339());
  if (!id) co_return error(id.error());
  co_return Response::json(consul::IntentionIdResponse{*id});
}

net::awaitable<Response> collection(AgentContext& ctx, const Request& req) {
  if (req.method() == "POST") co_return co_await legacy_create(ctx, req);
  co_return co_await list(ctx, req);
}

struct Pair {
  consul::ServiceRef source;
  consul::ServiceRef destination;
};

// agent/intentions_endpoint.go: a parameter must be given exactly once (`q["source"]` with one
// value); the exact writes (parseIntentionQueryExact) also refuse an empty one.
boost::system::result<std::string, HttpError> single_query(const Request& req,
                                                           std::string_view key, bool allow_empty) {
  const auto values = req.query_all(key);
  if (values.size() != 1 || (!allow_empty && values.front().empty())) {
    return {boost::system::in_place_error,
            HttpError::internal("required query parameter '" + std::string{key} + "' not set")};
  }
  return values.front();
}

// parseIntentionStringComponent's error, as the handlers wrap it: `source "a/b/c/d" is invalid:
// input can contain at most two '/'` (a plain error, so 500).
boost::system::result<consul::ServiceRef, HttpError> named_ref(std::string_view key,
                                                              const std::string& value) {
  auto ref = service_ref(value);
  if (!ref) {
    return {boost::system::in_place_error,
            HttpError::internal(std::string{key} + " " + consul::go_quote(value) +
                                " is invalid: " + ref.error().body)};
  }
  return *ref;
}

boost::system::result<Pair, HttpError> source_and_destination(const Request& req,
                                                              bool allow_empty) {
  auto source = single_query(req, "source", allow_empty);
  if (!source) return source.error();
  auto destination = single_query(req, "destination", allow_empty);
  if (!destination) return destination.error();
  auto src = named_ref("source", *source);
  if (!src) return src.error();
  auto dst = named_ref("destination", *destination);
  if (!dst) return dst.error();
  return Pair{*src, *dst};
}

net::awaitable<Response> exact_get(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto pair = source_and_destination(req, true);
  if (!pair) co_return error(pair.error());
  const auto& [src, dst] = *pair;
  if (auto denied = ctx.acl.require(req, "intentions:read", dst.name)) co_return error(*denied);
  auto found = ctx.intentions.get_exact(src, dst);
  if (!found) co_return error(HttpError::not_found("Intention not found"));
  co_return Response::json(*found);  // the handler sets no query meta (no X-Consul-Index)
}

net::awaitable<Response> exact(AgentContext& ctx, const Request& req) {
  if (req.method() == "GET") co_return co_await exact_get(ctx, req);
  auto pair = source_and_destination(req, false);
  if (!pair) co_return error(pair.error());
  const auto& [src, dst] = *pair;
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

// agent/consul/intention_endpoint.go Check: the token is resolved, then the source type is
// checked (`unsupported SourceType: %q`, a present but empty `source-type` included), then
// service:read on the destination.
net::awaitable<Response> check(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  const auto type = req.query("source-type").value_or(std::string{consul::kSourceTypeConsul});
  auto source = single_query(req, "source", true);
  if (!source) co_return error(source.error());
  auto destination = single_query(req, "destination", true);
  if (!destination) co_return error(destination.error());
  consul::ServiceRef src;
  src.name = *source;
  if (type == consul::kSourceTypeConsul) {
    auto parsed = named_ref("source", *source);
    if (!parsed) co_return error(parsed.error());
    src = *parsed;
  }
  auto dst = named_ref("destination", *destination);
  if (!dst) co_return error(dst.error());
  if (auto unknown = ctx.acl.resolve(req)) co_return error(*unknown);
  if (type != consul::kSourceTypeConsul) {
    co_return error(HttpError::internal("unsupported SourceType: " + consul::go_quote(type)));
  }
  if (auto denied = ctx.acl.require(req, "service:read", dst->name)) co_return error(*denied);
  const auto all = ctx.intentions.all();
  const auto decision =
      consul::decide_connection(all, src, *dst, decision_defaults(ctx.options));
  co_return Response::json(consul::IntentionCheckResponse{decision.allowed});
}

net::awaitable<Response> match(AgentContext& ctx, const Request& req) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  auto by = required_query(req, "by");
  if (!by) co_return error(by.error());
  if (*by != "source" && *by != "destination") {
    co_return error(HttpError::internal("'by' parameter must be one of 'source' or 'destination'"));
  }
  auto names = req.query_all("name");
  std::erase_if(names, [](const std::string& n) { return n.empty(); });
  if (names.empty())
    co_return error(HttpError::internal("required query parameter 'name' not set"));
  std::vector<consul::ServiceRef> refs;
  for (const auto& name : names) {
    auto ref = service_ref(name);
    if (!ref)
      co_return error(HttpError::internal("name \"" + name + "\" is invalid: " + ref.error().body));
    refs.push_back(*ref);
  }
  for (const auto& ref : refs) {
    if (auto denied = ctx.acl.require(req, "intentions:read", ref.name)) co_return error(*denied);
  }
  co_await block_on_entries(ctx, *params);
  const auto match_by = *by == "source" ? consul::MatchBy::source : consul::MatchBy::destination;
  json body = json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    body[names[i]] = ctx.intentions.match(match_by, refs[i]);
  }
  Response res = Response::json(body);
  set_query_meta(res, ctx.intentions.index());
  co_return res;
}

// The legacy ID lookup goes through memdb's UUID index (agent/consul/state/intention.go
// configIntentionGetTxn); its error reaches the client wrapped by each caller.
std::optional<std::string> lookup_error(std::string_view id) {
  auto problem = memdb_uuid_error(id);
  if (!problem) return std::nullopt;
  return "failed config entry lookup: index error: " + *problem;
}

// agent/intentions_endpoint.go IntentionSpecificGet: an error mentioning "UUID" is the client's
// fault (400); any other lookup error stays a 500.
net::awaitable<Response> by_id_get(AgentContext& ctx, const Request& req, const std::string& id) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (auto unknown = ctx.acl.resolve(req)) co_return error(*unknown);
  if (auto failed = lookup_error(id)) {
    co_return error(failed->find("UUID") != std::string::npos ? HttpError::bad_request(*failed)
                                                              : HttpError::internal(*failed));
  }
  auto found = ctx.intentions.get_legacy(id);
  if (!found) co_return error(HttpError::not_found("Intention not found"));
  if (auto denied = ctx.acl.require(req, "intentions:read", "*")) co_return error(*denied);
  co_return Response::json(*found);  // the handler sets no query meta (no X-Consul-Index)
}

// agent/consul/intention_endpoint.go computeApplyChangesLegacyUpdate/-Delete: the lookup (and its
// error, `Intention lookup failed: …`, 500) and the existence check come before the ACL check.
std::optional<HttpError> legacy_target_problem(AgentContext& ctx, const Request& req,
                                               const std::string& id, std::string_view missing) {
  if (auto unknown = ctx.acl.resolve(req)) return unknown;
  if (auto failed = lookup_error(id)) return HttpError::internal("Intention lookup failed: " + *failed);
  if (!ctx.intentions.get_legacy(id)) {
    return HttpError::internal(std::string{missing} + " non-existent intention: '" + id + "'");
  }
  return ctx.acl.require_bare(req);
}

net::awaitable<Response> by_id(AgentContext& ctx, const Request& req) {
  const auto id = req.path_suffix(kPrefix);
  if (req.method() == "GET") co_return co_await by_id_get(ctx, req, id);
  if (req.method() == "PUT") {
    auto ixn = consul::decode_json<consul::Intention>(req.body(), consul::kStrictBody);
    if (!ixn) co_return error(HttpError::bad_request("Request decode failed: " + ixn.error()));
    if (auto problem = partition_problem(*ixn)) co_return error(*problem);
    if (auto problem = legacy_target_problem(ctx, req, id, "Cannot modify")) {
      co_return error(*problem);
    }
    if (auto failed = ctx.intentions.update_legacy(id, std::move(*ixn), now_rfc3339())) {
      co_return error(*failed);
    }
    co_return Response::json(consul::IntentionIdResponse{id});
  }
  if (auto problem = legacy_target_problem(ctx, req, id, "Cannot delete")) co_return error(*problem);
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
