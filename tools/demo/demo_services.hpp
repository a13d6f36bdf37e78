#pragma once
// The demo's topology: three echo apps `web`, `api` and `db`, each registered with a Connect
// sidecar. configs/{web,api,db}.json hold the same registrations with fixed ports (a unit test
// keeps them equal), for use by hand.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "consul/agent_service_registration.hpp"

namespace gatehouse::tools {

inline constexpr std::array<std::string_view, 3> kDemoServices{"web", "api", "db"};

struct DemoUpstream {
  std::string destination;
  std::uint16_t local_port = 0;
};

// {"ID": name, "Name": name, "Address": "127.0.0.1", "Port": app_port,
//  "Connect": {"SidecarService": {"Port": sidecar_port, "Proxy": {"Upstreams": [...]}}}}
consul::AgentServiceRegistration demo_registration(const std::string& name, std::uint16_t app_port,
                                                   std::uint16_t sidecar_port,
                                                   const std::optional<DemoUpstream>& upstream);

}  // namespace gatehouse::tools
