#include "tools/dev_agent/config_endpoints.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "consul/agent_rules/config_entry_kind.hpp"
#include "consul/go_quote.hpp"
#include "consul/json_decode.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/intention_store.hpp"
#include "tools/dev_agent/query_options.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/v1/config/";

Response error(const HttpError& e) { return Response::error(e); }

HttpError decoding_failed(const std::string& why) {
  return HttpError::bad_request("Request decoding failed: " + why);
}

// strings.SplitN(kindAndName, "/", 2): the name keeps any further slashes.
std::vector<std::string> split_kind_and_name(const std::string& suffix) {
  const auto slash = suffix.find('/');
  if (slash == std::string::npos) return {suffix};
  return {suffix.substr(0, slash), suffix.substr(slash + 1)};
}

// agent/config_endpoint.go: `?cas=` goes through strconv.ParseUint and its error is returned as
// is (a plain error, so 500 with Go's text); an empty value means no CAS.
boost::system::result<std::optional<std::uint64_t>, HttpError> cas_param(const Request& req) {
  auto cas = req.query("cas");
  if (!cas || cas->empty()) return std::optional<std::uint64_t>{};
  std::uint64_t value = 0;
  const char* end = cas->data() + cas->size();
  auto [ptr, ec] = std::from_chars(cas->data(), end, value);
  if (ec == std::errc::result_out_of_range && ptr == end) {
    return {boost::system::in_place_error,
            HttpError::internal("strconv.ParseUint: parsing " + consul::go_quote(*cas) +
                                ": value out of range")};
  }
  if (ec != std::errc{} || ptr != end) {
    return {boost::system::in_place_error,
            HttpError::internal("strconv.ParseUint: parsing " + consul::go_quote(*cas) +
                                ": invalid syntax")};
  }
  return std::optional<std::uint64_t>{value};
}

bool is_known_kind(const std::string& kind) {
  return kind == consul::kServiceIntentionsKind || kind == consul::kServiceDefaultsKind;
}

net::awaitable<Response> apply(AgentContext& ctx, const Request& req) {
  auto kind = consul::config_entry_kind(req.body());
  if (!kind) co_return error(decoding_failed(kind.error()));
  auto cas = cas_param(req);
  if (!cas) co_return error(cas.error());
  boost::system::result<bool, HttpError> written{boost::system::in_place_value, false};
  if (*kind == consul::kServiceIntentionsKind) {
    auto entry =
        consul::decode_json<consul::ServiceIntentionsEntry>(req.body(), consul::kStrictBodyAnyCase);
    if (!entry) co_return error(decoding_failed(entry.error()));
    if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
    written = ctx.intentions.put_intentions_entry(std::move(*entry), *cas);
  } else if (*kind == consul::kServiceDefaultsKind) {
    auto entry =
        consul::decode_json<consul::ServiceDefaultsEntry>(req.body(), consul::kStrictBodyAnyCase);
    if (!entry) co_return error(decoding_failed(entry.error()));
    if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
    written = ctx.intentions.put_defaults_entry(std::move(*entry), *cas);
  } else {
    co_return error(decoding_failed("invalid config entry kind: " + *kind));
  }
  if (!written) co_return error(written.error());
  co_return Response::json(*written);
}

json list_kind(const IntentionStore& store, const std::string& kind) {
  json out = json::array();
  if (kind == consul::kServiceIntentionsKind) {
    for (const auto& e : store.intentions_entries()) out.push_back(e);
  } else if (kind == consul::kServiceDefaultsKind) {
    for (const auto& e : store.defaults_entries()) out.push_back(e);
  }
  return out;
}

std::optional<json> get_entry(const IntentionStore& store, const std::string& kind,
                              const std::string& name) {
  if (kind == consul::kServiceIntentionsKind) {
    if (const auto* e = store.intentions_entry(name)) return json(*e);
  } else if (kind == consul::kServiceDefaultsKind) {
    if (const auto* e = store.defaults_entry(name)) return json(*e);
  }
  return std::nullopt;
}

net::awaitable<Response> read(AgentContext& ctx, const Request& req,
                              const std::vector<std::string>& args) {
  auto params = parse_query_options(req);
  if (!params) co_return error(params.error());
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(query_timeout(params->wait));
  co_await ctx.store.notifier().block_until(
      [&] { return !should_block(params->index, ctx.intentions.index()); }, deadline);
  Response res;
  if (args.size() == 1) {
    res = Response::json(list_kind(ctx.intentions, args[0]));
  } else {
    auto entry = get_entry(ctx.intentions, args[0], args[1]);
    if (!entry) {
      co_return error(HttpError::not_found("Config entry not found for \"" + args[0] + "\" / \"" +
                                           args[1] + "\""));
    }
    res = Response::json(*entry);
  }
  set_query_meta(res, ctx.intentions.index());
  co_return res;
}

// agent/config_endpoint.go configDelete: a plain delete answers `{}`, a CAS delete whether it
// deleted (`true`/`false`).
net::awaitable<Response> remove(AgentContext& ctx, const Request& req,
                                const std::vector<std::string>& args) {
  if (args.size() != 2) {
    co_return error(HttpError::not_found("Must provide both a kind and name to delete"));
  }
  if (!is_known_kind(args[0])) {
    co_return error(HttpError::bad_request("invalid config entry kind: " + args[0]));
  }
  auto cas = cas_param(req);
  if (!cas) co_return error(cas.error());
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  const bool deleted = args[0] == consul::kServiceIntentionsKind
                           ? ctx.intentions.delete_intentions_entry(args[1], *cas)
                           : ctx.intentions.delete_defaults_entry(args[1], *cas);
  if (*cas) co_return Response::json(deleted);
  co_return Response::json(nlohmann::json::object());
}

net::awaitable<Response> by_kind(AgentContext& ctx, const Request& req) {
  const auto args = split_kind_and_name(req.path_suffix(kPrefix));
  if (req.method() == "GET") co_return co_await read(ctx, req, args);
  co_return co_await remove(ctx, req, args);
}

}  // namespace

void add_config_endpoints(Router& router, AgentContext& ctx) {
  router.add(std::string{kPrefix}, {"GET", "DELETE"}, bind_endpoint(ctx, by_kind));
  router.add("/v1/config", {"PUT"}, bind_endpoint(ctx, apply));
}

}  // namespace gatehouse::tools
