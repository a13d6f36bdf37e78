#pragma once
// Consul's checks on PUT /v1/agent/service/register that depend only on the body
// (agent/agent_endpoint.go AgentRegisterService, NodeService.Validate in agent/structs/structs.go).

#include <optional>
#include <string>
#include <vector>

#include "consul/agent_service_registration.hpp"

namespace gatehouse::consul {

// `Missing service name` (400 on its own, checked before anything else); nullopt when set.
std::optional<std::string> check_service_name(const AgentServiceRegistration& r);

// NodeService.Validate()'s connect-proxy rules, in Consul's order:
// `Proxy.DestinationServiceName must be non-empty for Connect proxy services`,
// `Proxy.DestinationServiceName must not be a wildcard for Connect proxy services`,
// `Port or SocketPath must be set for a connect-proxy`,
// `A Proxy cannot also be Connect Native, only typical services`.
// The agent answers 400 `Validation failed: ` + format_multierror(errors).
std::vector<std::string> validate_service(const AgentServiceRegistration& r);

}  // namespace gatehouse::consul
