#include "tools/demo/demo_services.hpp"

namespace gatehouse::tools {

consul::AgentServiceRegistration demo_registration(const std::string& name, std::uint16_t app_port,
                                                   std::uint16_t sidecar_port,
                                                   const std::optional<DemoUpstream>& upstream) {
  consul::AgentServiceRegistration sidecar;
  sidecar.port = sidecar_port;
  if (upstream) {
    consul::ConnectProxyConfig proxy;
    consul::Upstream up;
    up.destination_name = upstream->destination;
    up.local_bind_port = upstream->local_port;
    proxy.upstreams.push_back(std::move(up));
    sidecar.proxy = std::move(proxy);
  }
  consul::AgentServiceRegistration reg;
  reg.id = name;
  reg.name = name;
  reg.address = "127.0.0.1";
  reg.port = app_port;
  consul::AgentServiceConnect connect;
  connect.sidecar_service.emplace(std::move(sidecar));
  reg.connect = std::move(connect);
  return reg;
}

}  // namespace gatehouse::tools
