#pragma once
// Consul's checks on a check definition in a service registration: CheckType.Validate()
// (agent/structs/check_type.go), the empty `Check` that ServiceDefinition.CheckTypes() skips, and
// the initial-status rule of AgentRegisterService (agent/agent_endpoint.go).

#include <optional>
#include <string>
#include <vector>

#include "consul/agent_service_check.hpp"
#include "consul/agent_service_registration.hpp"

namespace gatehouse::consul {

// CheckType.Validate(): the error text without any prefix, nullopt when valid. Durations that do
// not parse are reported as Go's time.ParseDuration does.
std::optional<std::string> validate_check_type(const AgentServiceCheck& check);

// ServiceDefinition.CheckTypes(): `Check` unless it is empty, then every `Checks` entry.
std::vector<AgentServiceCheck> registered_checks(const AgentServiceRegistration& reg);

// The 400 text of AgentRegisterService for the registration's checks and its sidecar's checks
// (`Invalid check: …`, `Invalid check in sidecar_service: …`, `Status for checks must …`).
std::optional<std::string> check_registration_error(const AgentServiceRegistration& reg);

}  // namespace gatehouse::consul
