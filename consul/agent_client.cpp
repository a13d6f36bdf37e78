#include "consul/agent_client.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "consul/json_decode.hpp"

namespace gatehouse::consul {

namespace net = boost::asio;

namespace {

constexpr std::string_view kIndexHeader = "X-Consul-Index";
constexpr std::string_view kContentHashHeader = "X-Consul-ContentHash";

template <class T>
ApiResult<T> invalid(std::string detail) {
  return ApiResult<T>{boost::system::in_place_error,
                      ApiError::make(ApiErrorKind::invalid_response, std::move(detail))};
}

template <class T>
ApiResult<T> failed(ApiError error) {
  return ApiResult<T>{boost::system::in_place_error, std::move(error)};
}

// Decodes a 2xx body with the model's lenient decoder (newer agents add fields).
template <class T>
ApiResult<T> decode(const HttpResponse& response) {
  auto value = decode_json<T>(response.body, kLenientResponse);
  if (!value) return invalid<T>(value.error());
  return ApiResult<T>{boost::system::in_place_value, std::move(*value)};
}

// Any JSON document (for endpoints whose structs are not typed here yet).
ApiResult<nlohmann::json> parse(const HttpResponse& response) {
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return invalid<nlohmann::json>("response is not JSON");
  return ApiResult<nlohmann::json>{boost::system::in_place_value, std::move(parsed)};
}

template <class T>
ApiResult<Blocking<T>> with_meta(ApiResult<T> value, const HttpResponse& response) {
  if (!value) return failed<Blocking<T>>(value.error());
  Blocking<T> out{std::move(*value), 0, {}};
  out.index = parse_index(response.headers.find(kIndexHeader)).value_or(0);
  if (auto hash = response.headers.find(kContentHashHeader)) out.hash = std::string{*hash};
  return out;
}

template <class T>
std::string encode(const T& value) {
  nlohmann::json j = value;
  return j.dump();
}

HttpRequest make(std::string method, std::string path, milliseconds timeout) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.timeout = timeout;
  return r;
}

HttpRequest with_json(HttpRequest r, std::string body) {
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

const char* to_param(MatchBy by) { return by == MatchBy::source ? "source" : "destination"; }

}  // namespace

BlockingQuery to_query(const BlockingParams& params) {
  BlockingQuery q;
  q.index = params.index;
  q.hash = params.hash;
  q.wait = params.wait;
  q.margin = std::max(milliseconds{0}, params.timeout - blocking_request_timeout(params.wait, {}));
  return q;
}

std::string intention_side(const std::string& ns, const std::string& name) {
  if (ns.empty() || ns == kDefaultNamespace) return name;
  return ns + "/" + name;
}

AgentClient::AgentClient(net::any_io_executor executor, AgentConfig config)
    : http_(std::move(executor), std::move(config)) {}

net::awaitable<ApiResult<HttpResponse>> AgentClient::send(HttpRequest request) {
  auto result = co_await http_.request(std::move(request), net::use_awaitable);
  if (!result) co_return failed<HttpResponse>(result.error());
  if (result->status < 200 || result->status > 299) {
    co_return failed<HttpResponse>(ApiError::from_status(result->status, std::move(result->body)));
  }
  co_return std::move(*result);
}

HttpRequest AgentClient::blocking_request(std::string path, const BlockingQuery& q) const {
  HttpRequest r = make("GET", std::move(path), request_timeout_);
  if (q.index > 0 || !q.hash.empty()) {
    if (!q.hash.empty()) {
      r.query.emplace_back("hash", q.hash);
    } else {
      r.query.emplace_back("index", std::to_string(q.index));
    }
    r.query.emplace_back("wait", format_wait(q.wait));
    r.timeout = blocking_request_timeout(q.wait, q.margin);
  }
  return r;
}

// --- Connect CA

net::awaitable<ApiResult<Blocking<CaRoots>>> AgentClient::ca_roots(BlockingQuery q) {
  auto r = co_await send(blocking_request("/v1/agent/connect/ca/roots", q));
  if (!r) co_return failed<Blocking<CaRoots>>(r.error());
  co_return with_meta(decode<CaRoots>(*r), *r);
}

net::awaitable<ApiResult<Blocking<LeafCert>>> AgentClient::leaf_cert(std::string service,
                                                                     BlockingQuery q) {
  auto r = co_await send(blocking_request("/v1/agent/connect/ca/leaf/" + service, q));
  if (!r) co_return failed<Blocking<LeafCert>>(r.error());
  co_return with_meta(decode<LeafCert>(*r), *r);
}

net::awaitable<ApiResult<AuthorizeResponse>> AgentClient::authorize(AuthorizeRequest request) {
  auto r = co_await send(
      with_json(make("POST", "/v1/agent/connect/authorize", request_timeout_), encode(request)));
  if (!r) co_return failed<AuthorizeResponse>(r.error());
  co_return decode<AuthorizeResponse>(*r);
}

net::awaitable<ApiResult<CaConfiguration>> AgentClient::ca_configuration() {
  auto r = co_await send(make("GET", "/v1/connect/ca/configuration", request_timeout_));
  if (!r) co_return failed<CaConfiguration>(r.error());
  co_return decode<CaConfiguration>(*r);
}

net::awaitable<ApiResult<void>> AgentClient::set_ca_configuration(CaConfiguration config) {
  auto r = co_await send(
      with_json(make("PUT", "/v1/connect/ca/configuration", request_timeout_), encode(config)));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

// --- Intentions, exact API

net::awaitable<ApiResult<Intention>> AgentClient::intention_get_exact(std::string source,
                                                                      std::string destination) {
  HttpRequest req = make("GET", "/v1/connect/intentions/exact", request_timeout_);
  req.query = {{"source", std::move(source)}, {"destination", std::move(destination)}};
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<Intention>(r.error());
  co_return decode<Intention>(*r);
}

net::awaitable<ApiResult<void>> AgentClient::intention_put_exact(Intention intention) {
  HttpRequest req =
      with_json(make("PUT", "/v1/connect/intentions/exact", request_timeout_), encode(intention));
  req.query = {
      {"source", intention_side(intention.source_ns, intention.source_name)},
      {"destination", intention_side(intention.destination_ns, intention.destination_name)}};
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

net::awaitable<ApiResult<void>> AgentClient::intention_delete_exact(std::string source,
                                                                    std::string destination) {
  HttpRequest req = make("DELETE", "/v1/connect/intentions/exact", request_timeout_);
  req.query = {{"source", std::move(source)}, {"destination", std::move(destination)}};
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

// --- Intentions, legacy ID API

net::awaitable<ApiResult<std::string>> AgentClient::intention_create(Intention intention) {
  auto r = co_await send(
      with_json(make("POST", "/v1/connect/intentions", request_timeout_), encode(intention)));
  if (!r) co_return failed<std::string>(r.error());
  auto body = parse(*r);
  if (!body) co_return failed<std::string>(body.error());
  const auto id = body->find("ID");
  if (!body->is_object() || id == body->end() || !id->is_string()) {
    co_return invalid<std::string>("no ID in response");
  }
  co_return id->get<std::string>();
}

net::awaitable<ApiResult<Intention>> AgentClient::intention_get(std::string id) {
  auto r = co_await send(make("GET", "/v1/connect/intentions/" + id, request_timeout_));
  if (!r) co_return failed<Intention>(r.error());
  co_return decode<Intention>(*r);
}

net::awaitable<ApiResult<void>> AgentClient::intention_update(std::string id, Intention intention) {
  intention.id = id;
  auto r = co_await send(
      with_json(make("PUT", "/v1/connect/intentions/" + id, request_timeout_), encode(intention)));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

net::awaitable<ApiResult<void>> AgentClient::intention_delete(std::string id) {
  auto r = co_await send(make("DELETE", "/v1/connect/intentions/" + id, request_timeout_));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

// --- List, check, match

net::awaitable<ApiResult<Blocking<std::vector<Intention>>>> AgentClient::intentions(
    BlockingQuery q, std::string filter) {
  HttpRequest req = blocking_request("/v1/connect/intentions", q);
  if (!filter.empty()) req.query.emplace_back("filter", std::move(filter));
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<Blocking<std::vector<Intention>>>(r.error());
  co_return with_meta(decode<std::vector<Intention>>(*r), *r);
}

net::awaitable<ApiResult<bool>> AgentClient::intention_check(std::string source,
                                                             std::string destination) {
  HttpRequest req = make("GET", "/v1/connect/intentions/check", request_timeout_);
  req.query = {{"source", std::move(source)}, {"destination", std::move(destination)}};
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<bool>(r.error());
  auto body = parse(*r);
  if (!body) co_return failed<bool>(body.error());
  const auto allowed = body->find("Allowed");
  if (!body->is_object() || allowed == body->end() || !allowed->is_boolean()) {
    co_return invalid<bool>("no Allowed in response");
  }
  co_return allowed->get<bool>();
}

net::awaitable<ApiResult<Blocking<std::map<std::string, std::vector<Intention>>>>>
AgentClient::intention_match(MatchBy by, std::vector<std::string> names, BlockingQuery q) {
  using Matches = std::map<std::string, std::vector<Intention>>;
  HttpRequest req = blocking_request("/v1/connect/intentions/match", q);
  req.query.emplace(req.query.begin(), "by", to_param(by));
  for (auto& name : names) req.query.emplace_back("name", std::move(name));
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<Blocking<Matches>>(r.error());
  co_return with_meta(decode<Matches>(*r), *r);
}

// --- Config entries

namespace {
ApiResult<bool> decode_bool(const HttpResponse& response) {
  auto body = parse(response);
  if (!body) return failed<bool>(body.error());
  if (!body->is_boolean()) return invalid<bool>("expected true or false");
  return body->get<bool>();
}
}  // namespace

net::awaitable<ApiResult<bool>> AgentClient::put_service_intentions(
    ServiceIntentionsEntry entry, std::optional<std::uint64_t> cas) {
  HttpRequest req = with_json(make("PUT", "/v1/config", request_timeout_), encode(entry));
  if (cas) req.query.emplace_back("cas", std::to_string(*cas));
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<bool>(r.error());
  co_return decode_bool(*r);
}

net::awaitable<ApiResult<bool>> AgentClient::put_service_defaults(ServiceDefaultsEntry entry) {
  auto r = co_await send(with_json(make("PUT", "/v1/config", request_timeout_), encode(entry)));
  if (!r) co_return failed<bool>(r.error());
  co_return decode_bool(*r);
}

net::awaitable<ApiResult<ServiceIntentionsEntry>> AgentClient::service_intentions(
    std::string name) {
  auto r = co_await send(make("GET", "/v1/config/service-intentions/" + name, request_timeout_));
  if (!r) co_return failed<ServiceIntentionsEntry>(r.error());
  co_return decode<ServiceIntentionsEntry>(*r);
}

net::awaitable<ApiResult<void>> AgentClient::delete_service_intentions(std::string name) {
  auto r = co_await send(make("DELETE", "/v1/config/service-intentions/" + name, request_timeout_));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

// --- Health and agent services

net::awaitable<ApiResult<Blocking<std::vector<ServiceEntry>>>> AgentClient::health_connect(
    std::string service, bool passing, BlockingQuery q, std::string datacenter) {
  HttpRequest req = blocking_request("/v1/health/connect/" + service, q);
  if (passing) req.query.emplace(req.query.begin(), "passing", "");
  if (!datacenter.empty()) req.query.emplace_back("dc", std::move(datacenter));
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<Blocking<std::vector<ServiceEntry>>>(r.error());
  co_return with_meta(decode<std::vector<ServiceEntry>>(*r), *r);
}

net::awaitable<ApiResult<Blocking<AgentService>>> AgentClient::agent_service(std::string id,
                                                                             BlockingQuery q) {
  q.index = 0;  // this endpoint blocks on the content hash only
  auto r = co_await send(blocking_request("/v1/agent/service/" + id, q));
  if (!r) co_return failed<Blocking<AgentService>>(r.error());
  co_return with_meta(decode<AgentService>(*r), *r);
}

net::awaitable<ApiResult<std::map<std::string, AgentService>>> AgentClient::agent_services() {
  auto r = co_await send(make("GET", "/v1/agent/services", request_timeout_));
  if (!r) co_return failed<std::map<std::string, AgentService>>(r.error());
  co_return decode<std::map<std::string, AgentService>>(*r);
}

net::awaitable<ApiResult<void>> AgentClient::register_service(AgentServiceRegistration registration,
                                                              bool replace_existing_checks) {
  HttpRequest req =
      with_json(make("PUT", "/v1/agent/service/register", request_timeout_), encode(registration));
  if (replace_existing_checks) req.query.emplace_back("replace-existing-checks", "true");
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

net::awaitable<ApiResult<void>> AgentClient::deregister_service(std::string id) {
  auto r = co_await send(make("PUT", "/v1/agent/service/deregister/" + id, request_timeout_));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

net::awaitable<ApiResult<void>> AgentClient::pass_ttl_check(std::string check_id,
                                                            std::string note) {
  HttpRequest req = make("PUT", "/v1/agent/check/pass/" + check_id, request_timeout_);
  if (!note.empty()) req.query.emplace_back("note", std::move(note));
  auto r = co_await send(std::move(req));
  if (!r) co_return failed<void>(r.error());
  co_return ApiResult<void>{};
}

// --- Catalog

net::awaitable<ApiResult<std::map<std::string, std::vector<std::string>>>>
AgentClient::catalog_services() {
  using Services = std::map<std::string, std::vector<std::string>>;
  auto r = co_await send(make("GET", "/v1/catalog/services", request_timeout_));
  if (!r) co_return failed<Services>(r.error());
  auto body = parse(*r);
  if (!body) co_return failed<Services>(body.error());
  if (!body->is_object()) co_return invalid<Services>("expected a JSON object of service names");
  Services out;
  for (const auto& [name, tags] : body->items()) {
    auto& list = out[name];
    if (!tags.is_array()) continue;  // Consul always sends a list; tolerate null
    for (const auto& tag : tags) {
      if (tag.is_string()) list.push_back(tag.get<std::string>());
    }
  }
  co_return out;
}

// --- Status

net::awaitable<ApiResult<std::string>> AgentClient::status_leader() {
  auto r = co_await send(make("GET", "/v1/status/leader", request_timeout_));
  if (!r) co_return failed<std::string>(r.error());
  auto body = parse(*r);
  if (!body) co_return failed<std::string>(body.error());
  if (!body->is_string()) co_return invalid<std::string>("expected a JSON string");
  co_return body->get<std::string>();
}

}  // namespace gatehouse::consul
