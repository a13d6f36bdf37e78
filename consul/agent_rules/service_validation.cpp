#include "consul/agent_rules/service_validation.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::consul {
namespace {

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::optional<std::string> check_service_name(const AgentServiceRegistration& r) {
  if (r.name.empty()) return std::string{"Missing service name"};
  return std::nullopt;
}

std::vector<std::string> validate_service(const AgentServiceRegistration& r) {
  std::vector<std::string> errors;
  if (r.kind != kKindConnectProxy) return errors;
  const std::string destination = r.proxy ? r.proxy->destination_service_name : std::string{};
  if (blank(destination))
    errors.emplace_back(
        "Proxy.DestinationServiceName must be non-empty for Connect proxy services");
  if (destination == "*")
    errors.emplace_back(
        "Proxy.DestinationServiceName must not be a wildcard for Connect proxy services");
  if (r.port == 0 && r.socket_path.empty())
    errors.push_back("Port or SocketPath must be set for a " + r.kind);
  if (r.connect && r.connect->native)
    errors.emplace_back("A Proxy cannot also be Connect Native, only typical services");
  return errors;
}

}  // namespace gatehouse::consul
