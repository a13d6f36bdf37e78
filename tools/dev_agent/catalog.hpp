#pragma once
// The agent's local services and checks, and the catalog built from them: the dev cluster's one
// node with its `serfHealth` check and the server's `consul` service, plus every local service
// and check, with the catalog views of /v1/health/* and /v1/catalog/*.
//
// Indexes follow Consul's state store (agent/consul/state/catalog.go, catalog_ce.go): every write
// takes one raft index and records the tables it changed and the per-service (`service.<name>`)
// and per-node (`node.<name>`) index entries; a service view reports the max index of that
// service's entries, so a watcher of one service does not see another service's changes.
//
// Checks: TTL checks start critical and follow /v1/agent/check/pass|warn|fail (and turn critical
// with `TTL expired` when not refreshed in time, see expire_ttl_checks); alias checks mirror the
// aliased service's checks; every other kind (TCP, HTTP, gRPC, …) is accepted but never run, and
// reports passing.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/catalog_service.hpp"
#include "consul/health_check.hpp"
#include "consul/node.hpp"
#include "consul/service_entry.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

// A view's result as Consul's blocking queries see it: the value, the X-Consul-Index it reports
// and the state-store entries whose change wakes a query blocked on it.
template <class T>
struct Indexed {
  T value;
  std::uint64_t index = 0;
  std::vector<std::string> watch;
};

// GET /v1/catalog/node/:node (structs.NodeServices).
struct NodeServices {
  consul::Node node;
  std::vector<consul::AgentService> services;  // by ID
};

class Catalog {
 public:
  using Clock = std::chrono::steady_clock;

  Catalog(StateStore& store, std::string node_name, std::string datacenter, std::string node_id);

  // The newest index of the node, service and check tables.
  std::uint64_t index() const;
  std::uint64_t services_index() const { return store_.index(Table::kServices); }

  // PUT /v1/agent/service/register after decoding (validation texts of Consul's handler).
  std::optional<HttpError> register_service(const consul::AgentServiceRegistration& reg,
                                            bool replace_existing_checks);
  // Removes the service, its checks and the sidecar registered with it; false if unknown.
  bool deregister_service(const std::string& id);

  // With Datacenter and ContentHash, as GET /v1/agent/service/:id shows it.
  std::optional<consul::AgentService> service(const std::string& id) const;
  // The agent's own services and checks (/v1/agent/services, /v1/agent/checks).
  std::map<std::string, consul::AgentService> services() const;
  std::map<std::string, consul::HealthCheck> checks() const;

  // Sidecars proxying `name` plus Connect-native `name` instances; `passing_only` drops any
  // entry with a non-passing check.
  std::vector<consul::ServiceEntry> connect_entries(const std::string& name,
                                                    bool passing_only) const;
  // name → tags, including the `consul` service of the server itself.
  std::map<std::string, std::vector<std::string>> service_names() const;

  // The catalog views (state store functions named after Consul's).
  Indexed<std::vector<consul::ServiceEntry>> check_service_nodes(
      const std::string& name, const std::vector<std::string>& tags) const;
  Indexed<std::vector<consul::ServiceEntry>> check_connect_service_nodes(
      const std::string& name) const;
  Indexed<std::vector<consul::HealthCheck>> service_checks(const std::string& name) const;
  Indexed<std::vector<consul::HealthCheck>> node_checks(const std::string& node) const;
  Indexed<std::vector<consul::HealthCheck>> checks_in_state(const std::string& state) const;
  Indexed<std::vector<consul::CatalogService>> service_nodes(
      const std::string& name, const std::vector<std::string>& tags) const;
  Indexed<std::vector<consul::CatalogService>> connect_service_nodes(
      const std::string& name) const;
  Indexed<std::vector<consul::Node>> nodes() const;
  Indexed<std::optional<NodeServices>> node_services(const std::string& node) const;
  Indexed<std::map<std::string, std::vector<std::string>>> services_view() const;
  // Every service instance (state.Services, which Catalog.ListServices filters before it
  // groups the tags by name); the index and watch of services_view.
  Indexed<std::vector<consul::CatalogService>> service_instances() const;

  // Turns TTL checks not refreshed by `now` critical (`TTL expired`), as Consul's TTL timer does,
  // advancing the indexes so health watchers wake. Endpoints call it before reading.
  void expire_ttl_checks(Clock::time_point now);
  // When the next passing/warning TTL check lapses, if any.
  std::optional<Clock::time_point> next_ttl_expiry() const;

  // PUT /v1/agent/check/{pass,warn,fail}/:id.
  std::optional<HttpError> update_ttl_check(const std::string& check_id, std::string_view status,
                                            std::string output);

  consul::Node node() const { return node_; }

 private:
  struct LocalCheck {
    consul::HealthCheck check;
    std::optional<Clock::duration> ttl;  // TTL checks only
    Clock::time_point expires{};         // when a TTL check lapses
    std::string alias_service;           // alias checks only
  };

  void add_checks(StoreWrite& w, const consul::AgentService& service,
                  const std::vector<consul::AgentServiceCheck>& defs, bool replace_existing);
  void put_service(StoreWrite& w, consul::AgentService s);
  void remove_service(StoreWrite& w, const std::string& id);
  void remove_check(StoreWrite& w, const std::string& check_id);
  void set_check_state(StoreWrite& w, LocalCheck& c, std::string status, std::string output);
  void refresh_alias_checks(StoreWrite& w);
  // What a service row / a check changed, in Consul's index entries and our watch keys.
  void record_service_change(StoreWrite& w, const consul::AgentService& s) const;
  void record_check_change(StoreWrite& w, const consul::HealthCheck& before,
                           const consul::HealthCheck& after) const;
  std::optional<HttpError> validate(const consul::AgentServiceRegistration& reg) const;

  // Every catalog service (the `consul` service and the local ones), by ID.
  std::vector<const consul::AgentService*> catalog_services() const;
  // Every catalog check (serfHealth and the local ones), by check ID.
  std::vector<consul::HealthCheck> catalog_checks() const;
  consul::ServiceEntry entry_for(const consul::AgentService& s) const;
  // maxIndexForService: `service.<name>`, else the last extinction, else the tables.
  std::uint64_t service_index(const std::string& name, bool exists, bool with_checks) const;

  StateStore& store_;
  std::string node_name_;
  std::string datacenter_;
  consul::Node node_;
  consul::AgentService consul_service_;
  consul::HealthCheck serf_check_;
  std::map<std::string, consul::AgentService> services_;
  std::map<std::string, LocalCheck> checks_;
};

// Go's strconv.ParseBool, as `?passing=` is read; nullopt for anything else.
std::optional<bool> parse_go_bool(std::string_view text);

}  // namespace gatehouse::tools
