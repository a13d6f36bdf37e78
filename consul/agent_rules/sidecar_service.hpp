#pragma once
// What the agent derives from `Connect.SidecarService` (agent/sidecar_service.go):
// ID/name with `-sidecar-proxy`, kind connect-proxy, the proxy's destination and local service,
// tags/meta inherited, a port from the sidecar range, and default checks.

#include <boost/system/result.hpp>
#include <functional>
#include <string>

#include "consul/agent_service_registration.hpp"

namespace gatehouse::consul {

inline constexpr std::string_view kSidecarSuffix = "-sidecar-proxy";

struct SidecarPorts {
  int min = 21000;  // ports.sidecar_min_port
  int max = 21255;  // ports.sidecar_max_port
  // True when another local sidecar already uses the port.
  std::function<bool(int)> in_use = [](int) { return false; };
  // The port of an already registered sidecar with the same ID; Consul keeps it.
  int previous = 0;
};

// The sidecar registration for `parent`, which must carry Connect.SidecarService.
// Error: `no port provided for sidecar_service and none left in the configured range
// [21000, 21255]`.
boost::system::result<AgentServiceRegistration, std::string> derive_sidecar(
    const AgentServiceRegistration& parent, const SidecarPorts& ports);

}  // namespace gatehouse::consul
