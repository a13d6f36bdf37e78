#include "tools/dev_agent/config_endpoints.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "consul/config_entry_kind.hpp"
#include "consul/json_decode.hpp"
#include "tools/dev_agent/acl_gate.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/intention_store.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/v1/config/";

Response error(const HttpError& e) { return Response::error(e); }

HttpError decoding_failed(const std::string& why) {
  return HttpError::bad_request("Request decoding failed: " + why);
}

std::vector<std::string> split_path(const std::string& suffix) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= suffix.size()) {
    const auto slash = suffix.find('/', start);
    const auto end = slash == std::string::npos ? suffix.size() : slash;
    if (end > start) parts.push_back(suffix.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

boost::system::result<std::optional<std::uint64_t>, HttpError> cas_param(const Request& req) {
  auto cas = req.query("cas");
  if (!cas) return std::optional<std::uint64_t>{};
  std::uint64_t value = 0;
  const char* end = cas->data() + cas->size();
  auto [ptr, ec] = std::from_chars(cas->data(), end, value);
  if (ec != std::errc{} || ptr != end) {
    return {boost::system::in_place_error, HttpError::bad_request("Request decode failed: cas")};
  }
  return std::optional<std::uint64_t>{value};
}

net::awaitable<Response> apply(AgentContext& ctx, const Request& req) {
  auto kind = consul::config_entry_kind(req.body());
  if (!kind) co_return error(decoding_failed(kind.error()));
  auto cas = cas_param(req);
  if (!cas) co_return error(cas.error());
  boost::system::result<bool, HttpError> written{boost::system::in_place_value, false};
  if (*kind == consul::kServiceIntentionsKind) {
    auto entry = consul::decode_json<consul::ServiceIntentionsEntry>(req.body(),
                                                                      consul::kStrictBodyAnyCase);
    if (!entry) co_return error(decoding_failed(entry.error()));
    if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
    written = ctx.intentions.put_intentions_entry(std::move(*entry), *cas);
  } else if (*kind == consul::kServiceDefaultsKind) {
    auto entry = consul::decode_json<consul::ServiceDefaultsEntry>(req.body(),
                                                                    consul::kStrictBodyAnyCase);
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
  if (args.empty() || args.size() > 2) {
    co_return error(HttpError::bad_request("Must provide either a kind or both kind and name"));
  }
  auto params = parse_blocking_params(req);
  if (!params) co_return error(params.error());
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            query_timeout(params->wait));
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

net::awaitable<Response> by_kind(AgentContext& ctx, const Request& req) {
  const auto args = split_path(req.path_suffix(kPrefix));
  if (req.method() == "GET") co_return co_await read(ctx, req, args);
  if (args.size() != 2) {
    co_return error(HttpError::bad_request("Must provide both a kind and name to delete"));
  }
  if (auto denied = ctx.acl.require_bare(req)) co_return error(*denied);
  if (args[0] == consul::kServiceIntentionsKind) {
    ctx.intentions.delete_intentions_entry(args[1]);
  } else if (args[0] == consul::kServiceDefaultsKind) {
    ctx.intentions.delete_defaults_entry(args[1]);
  }
  co_return Response::json(true);
}

}  // namespace

void add_config_endpoints(Router& router, AgentContext& ctx) {
  router.add(std::string{kPrefix}, {"GET", "DELETE"}, bind_endpoint(ctx, by_kind));
  router.add("/v1/config", {"PUT"}, bind_endpoint(ctx, apply));
}

}  // namespace gatehouse::tools
