#pragma once
// The agent's local services and checks, and the catalog views built from them: the one node of
// the dev cluster, `/v1/health/connect`, `/v1/catalog/services`.
//
// Checks: TTL checks start critical and follow /v1/agent/check/pass|warn|fail (and turn critical
// with `TTL expired` when not refreshed in time); alias checks mirror the aliased service's
// checks; every other kind (TCP, HTTP, gRPC, …) is accepted but never run, and reports passing.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/health_check.hpp"
#include "consul/node.hpp"
#include "consul/service_entry.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

class Catalog {
 public:
  using Clock = std::chrono::steady_clock;

  Catalog(StateStore& store, std::string node_name, std::string datacenter, std::string node_id);

  std::uint64_t index() const { return store_.max_index({Table::kServices, Table::kChecks}); }
  std::uint64_t services_index() const { return store_.index(Table::kServices); }

  // PUT /v1/agent/service/register after decoding (validation texts of Consul's handler).
  std::optional<HttpError> register_service(const consul::AgentServiceRegistration& reg,
                                            bool replace_existing_checks);
  // Removes the service, its checks and the sidecar registered with it; false if unknown.
  bool deregister_service(const std::string& id);

  // With Datacenter and ContentHash, as GET /v1/agent/service/:id shows it.
  std::optional<consul::AgentService> service(const std::string& id) const;
  std::map<std::string, consul::AgentService> services() const;
  std::map<std::string, consul::HealthCheck> checks() const;

  // Sidecars proxying `name` plus Connect-native `name` instances; `passing_only` drops any
  // entry with a non-passing check.
  std::vector<consul::ServiceEntry> connect_entries(const std::string& name,
                                                    bool passing_only) const;
  // name → tags, including the `consul` service of the server itself.
  std::map<std::string, std::vector<std::string>> service_names() const;

  // PUT /v1/agent/check/{pass,warn,fail}/:id.
  std::optional<HttpError> update_ttl_check(const std::string& check_id, std::string_view status,
                                            std::string output);

  consul::Node node() const;

 private:
  struct LocalCheck {
    consul::HealthCheck check;
    std::optional<Clock::duration> ttl;     // TTL checks only
    Clock::time_point expires{};            // when a TTL check lapses
    std::string alias_service;              // alias checks only
  };

  consul::HealthCheck current(const LocalCheck& c) const;
  void add_checks(const consul::AgentService& service,
                  const std::vector<consul::AgentServiceCheck>& defs, bool replace_existing);
  void remove_checks_of(const std::string& service_id);
  std::optional<HttpError> validate(const consul::AgentServiceRegistration& reg) const;

  StateStore& store_;
  std::string node_name_;
  std::string datacenter_;
  std::string node_id_;
  std::map<std::string, consul::AgentService> services_;
  std::map<std::string, LocalCheck> checks_;
};

// Go's strconv.ParseBool, as `?passing=` is read; nullopt for anything else.
std::optional<bool> parse_go_bool(std::string_view text);

}  // namespace gatehouse::tools
