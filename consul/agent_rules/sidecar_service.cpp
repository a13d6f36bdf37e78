#include "consul/agent_rules/sidecar_service.hpp"

#include "consul/failure.hpp"

namespace gatehouse::consul {
namespace {

// ipaddr.FormatAddressPort: IPv6 literals get brackets.
std::string format_address_port(const std::string& address, int port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

std::vector<AgentServiceCheck> default_checks(const std::string& parent_id,
                                              const AgentServiceRegistration& sidecar) {
  // The check dials the sidecar; with no sidecar address, the local service address is the best
  // guess (Consul's comment on issue 14433).
  std::string address = sidecar.address;
  if (address.empty() && sidecar.proxy) address = sidecar.proxy->local_service_address;
  AgentServiceCheck listening;
  listening.name = "Connect Sidecar Listening";
  listening.tcp = format_address_port(address, sidecar.port);
  listening.interval = "10s";
  AgentServiceCheck aliasing;
  aliasing.name = "Connect Sidecar Aliasing " + parent_id;
  aliasing.alias_service = parent_id;
  return {listening, aliasing};
}

}  // namespace

boost::system::result<AgentServiceRegistration, std::string> derive_sidecar(
    const AgentServiceRegistration& parent, const SidecarPorts& ports) {
  if (!parent.connect || !parent.connect->sidecar_service)
    return Failure{"service has no Connect.SidecarService"};
  AgentServiceRegistration sidecar = *parent.connect->sidecar_service;
  const std::string parent_id = parent.effective_id();

  // The ID is always derived: lifecycle management relies on it.
  sidecar.id = parent_id + std::string{kSidecarSuffix};
  if (sidecar.name.empty()) sidecar.name = parent.name + std::string{kSidecarSuffix};
  if (sidecar.kind.empty()) sidecar.kind = std::string{kKindConnectProxy};
  if (sidecar.address.empty()) sidecar.address = parent.address;

  ConnectProxyConfig& proxy = sidecar.proxy ? *sidecar.proxy : sidecar.proxy.emplace();
  if (proxy.destination_service_name.empty()) proxy.destination_service_name = parent.name;
  if (proxy.destination_service_id.empty()) proxy.destination_service_id = parent_id;
  if (proxy.local_service_address.empty() && proxy.local_service_socket_path.empty()) {
    if (!parent.socket_path.empty()) {
      proxy.local_service_socket_path = parent.socket_path;
    } else {
      proxy.local_service_address = "127.0.0.1";
      if (proxy.local_service_port == 0) proxy.local_service_port = parent.port;
    }
  }

  if (sidecar.tags.empty()) sidecar.tags = parent.tags;
  if (sidecar.meta.empty()) sidecar.meta = parent.meta;

  if (sidecar.port < 1) {
    if (ports.previous > 0) {
      sidecar.port = ports.previous;
    } else {
      for (int p = ports.min; p <= ports.max && sidecar.port < 1; ++p)
        if (!ports.in_use(p)) sidecar.port = p;
      if (sidecar.port < 1)
        return Failure{
            "no port provided for sidecar_service and none left in the configured range [" +
            std::to_string(ports.min) + ", " + std::to_string(ports.max) + "]"};
    }
  }

  if (!sidecar.check && sidecar.checks.empty()) sidecar.checks = default_checks(parent_id, sidecar);
  return sidecar;
}

}  // namespace gatehouse::consul
