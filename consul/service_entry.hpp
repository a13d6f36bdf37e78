#pragma once
// One element of GET /v1/health/connect/:service (structs.CheckServiceNode in
// agent/structs/structs.go; agent/health_endpoint.go HealthConnectServiceNodes).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_service.hpp"
#include "consul/health_check.hpp"
#include "consul/node.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

struct ServiceEntry {
  static constexpr std::string_view kGoType = "structs.CheckServiceNode";

  Node node;
  AgentService service;  // encoded in the structs.NodeService shape
  std::vector<HealthCheck> checks;

  // `?passing`: every check (node checks included) is passing.
  bool passing() const;
  // Where to dial: Service.Address if set, else Node.Address.
  const std::string& dial_address() const {
    return service.address.empty() ? node.address : service.address;
  }
  // The service the instance's certificate names: the proxied service for a sidecar, the
  // service itself when it is Connect-native.
  const std::string& identity_service() const;

  friend bool operator==(const ServiceEntry&, const ServiceEntry&) = default;
};

void to_json(nlohmann::json& j, const ServiceEntry& v);
void from_json(const nlohmann::json& j, ServiceEntry& v);
void decode_fields(ObjectDecoder& d, ServiceEntry& v);

}  // namespace gatehouse::consul
