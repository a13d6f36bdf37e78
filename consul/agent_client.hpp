#pragma once
// Typed, awaitable calls to the Consul agent's HTTP API (the Connect subset a sidecar and the
// intention tools need). Non-2xx answers become ApiError{status, Consul's plain-text body};
// blocking variants return the value with X-Consul-Index (or X-Consul-ContentHash).
//
//   AgentClient agent{ex, *AgentConfig::from(flags, process_env())};
//   auto roots = co_await agent.ca_roots();               // plain read
//   auto next = co_await agent.ca_roots(BlockingQuery{roots->index, 5min});  // blocks

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "consul/agent_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/api_error.hpp"
#include "consul/authorize.hpp"
#include "consul/blocking_query.hpp"
#include "consul/ca_configuration.hpp"
#include "consul/ca_root.hpp"
#include "consul/http_client.hpp"
#include "consul/intention.hpp"
#include "consul/intention_match.hpp"
#include "consul/leaf_cert.hpp"
#include "consul/service_defaults_entry.hpp"
#include "consul/service_entry.hpp"
#include "consul/service_intentions_entry.hpp"

namespace gatehouse::consul {

template <class T>
using ApiResult = boost::system::result<T, ApiError>;

// Optional query parameters of a blocking read. index == 0 and an empty hash make a plain read;
// otherwise `index`/`hash` and `wait` are sent and the request may last wait + wait/16 + margin.
struct BlockingQuery {
  // Not an aggregate on purpose: GCC 12 destroys an aggregate temporary twice when it is
  // created inside a co_await expression (`co_await agent.ca_roots(BlockingQuery{})`).
  BlockingQuery() = default;
  BlockingQuery(std::uint64_t at_index, milliseconds wait_for) : index(at_index), wait(wait_for) {}

  std::uint64_t index = 0;
  std::string hash;
  milliseconds wait{300'000};
  milliseconds margin{5'000};
};

// The query a Watch asks for (Watch<T>::Fetch receives BlockingParams):
//   Watch<CaRoots> w{ex, BlockingMode::index,
//                    [&agent](BlockingParams p) { return agent.ca_roots(to_query(p)); }, on_roots};
BlockingQuery to_query(const BlockingParams& params);

class AgentClient {
 public:
  // Owns its HttpClient (one connection cache) on `executor`.
  AgentClient(boost::asio::any_io_executor executor, AgentConfig config);

  HttpClient& http() { return http_; }
  const AgentConfig& config() const { return http_.config(); }

  // Timeout of calls that do not block (authorize, writes, plain reads).
  void set_request_timeout(milliseconds timeout) { request_timeout_ = timeout; }

  // Callers: pass aggregates as named locals or function results, never as a braced temporary
  // inside the co_await expression (`co_await agent.ca_roots({.index = 1})`): GCC 12 destroys
  // such a temporary twice. The short overloads below are plain functions and safe.

  // --- Connect CA
  boost::asio::awaitable<ApiResult<Blocking<CaRoots>>> ca_roots(BlockingQuery q);
  boost::asio::awaitable<ApiResult<Blocking<CaRoots>>> ca_roots() {
    return ca_roots(BlockingQuery{});
  }
  boost::asio::awaitable<ApiResult<Blocking<LeafCert>>> leaf_cert(std::string service,
                                                                  BlockingQuery q);
  boost::asio::awaitable<ApiResult<Blocking<LeafCert>>> leaf_cert(std::string service) {
    return leaf_cert(std::move(service), BlockingQuery{});
  }
  boost::asio::awaitable<ApiResult<AuthorizeResponse>> authorize(AuthorizeRequest request);
  boost::asio::awaitable<ApiResult<CaConfiguration>> ca_configuration();
  boost::asio::awaitable<ApiResult<void>> set_ca_configuration(CaConfiguration config);

  // --- Intentions, exact (name-based) API. `source`/`destination` are `name` or `ns/name`.
  boost::asio::awaitable<ApiResult<Intention>> intention_get_exact(std::string source,
                                                                   std::string destination);
  // Upsert; the names come from the intention (its namespaces when not default).
  boost::asio::awaitable<ApiResult<void>> intention_put_exact(Intention intention);
  boost::asio::awaitable<ApiResult<void>> intention_delete_exact(std::string source,
                                                                 std::string destination);

  // --- Intentions, legacy ID API.
  boost::asio::awaitable<ApiResult<std::string>> intention_create(Intention intention);  // the ID
  boost::asio::awaitable<ApiResult<Intention>> intention_get(std::string id);
  boost::asio::awaitable<ApiResult<void>> intention_update(std::string id, Intention intention);
  boost::asio::awaitable<ApiResult<void>> intention_delete(std::string id);

  // --- List, check, match.
  boost::asio::awaitable<ApiResult<Blocking<std::vector<Intention>>>> intentions(
      BlockingQuery q, std::string filter);
  boost::asio::awaitable<ApiResult<Blocking<std::vector<Intention>>>> intentions() {
    return intentions(BlockingQuery{}, std::string{});
  }
  boost::asio::awaitable<ApiResult<bool>> intention_check(std::string source,
                                                          std::string destination);
  boost::asio::awaitable<ApiResult<Blocking<std::map<std::string, std::vector<Intention>>>>>
  intention_match(MatchBy by, std::vector<std::string> names, BlockingQuery q);

  // --- Config entries.
  // PUT /v1/config; `cas` adds ?cas=<index>. The agent answers true/false.
  boost::asio::awaitable<ApiResult<bool>> put_service_intentions(ServiceIntentionsEntry entry,
                                                                 std::optional<std::uint64_t> cas);
  boost::asio::awaitable<ApiResult<bool>> put_service_defaults(ServiceDefaultsEntry entry);
  boost::asio::awaitable<ApiResult<ServiceIntentionsEntry>> service_intentions(std::string name);
  boost::asio::awaitable<ApiResult<void>> delete_service_intentions(std::string name);

  // --- Health and the local agent's services.
  // GET /v1/health/connect/<service>[?passing]: sidecars and native services of `service`.
  // `datacenter` non-empty adds dc= (an upstream in another datacenter).
  boost::asio::awaitable<ApiResult<Blocking<std::vector<ServiceEntry>>>> health_connect(
      std::string service, bool passing, BlockingQuery q, std::string datacenter = {});
  boost::asio::awaitable<ApiResult<Blocking<std::vector<ServiceEntry>>>> health_connect(
      std::string service) {
    return health_connect(std::move(service), true, BlockingQuery{});
  }
  // GET /v1/agent/service/<id>: hash-based blocking (X-Consul-ContentHash); q.index is ignored.
  boost::asio::awaitable<ApiResult<Blocking<AgentService>>> agent_service(std::string id,
                                                                          BlockingQuery q);
  boost::asio::awaitable<ApiResult<Blocking<AgentService>>> agent_service(std::string id) {
    return agent_service(std::move(id), BlockingQuery{});
  }
  boost::asio::awaitable<ApiResult<std::map<std::string, AgentService>>> agent_services();
  boost::asio::awaitable<ApiResult<void>> register_service(AgentServiceRegistration registration,
                                                           bool replace_existing_checks);
  boost::asio::awaitable<ApiResult<void>> deregister_service(std::string id);
  // PUT /v1/agent/check/pass/<check_id>[?note=<note>]: keeps a TTL check passing (the Go
  // client's Agent().PassTTL). An unknown check is an ApiError with the agent's status and text.
  boost::asio::awaitable<ApiResult<void>> pass_ttl_check(std::string check_id, std::string note);

  // --- Catalog.
  // GET /v1/catalog/services: every registered service name with its tags.
  boost::asio::awaitable<ApiResult<std::map<std::string, std::vector<std::string>>>>
  catalog_services();

  // --- Status.
  boost::asio::awaitable<ApiResult<std::string>> status_leader();

  // The request a call sends, exposed for tests of paths/queries/bodies.
  boost::asio::awaitable<ApiResult<HttpResponse>> send(HttpRequest request);

 private:
  HttpRequest blocking_request(std::string path, const BlockingQuery& q) const;

  HttpClient http_;
  milliseconds request_timeout_{30'000};
};

// `name` for the default namespace, else `ns/name` (the exact API's source/destination form).
std::string intention_side(const std::string& ns, const std::string& name);

}  // namespace gatehouse::consul
