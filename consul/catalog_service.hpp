#pragma once
// One element of GET /v1/catalog/service/:name and /v1/catalog/connect/:name: a service instance
// flattened with its node (structs.ServiceNode in agent/structs/structs.go; api.CatalogService).
// Encoding only: the dev agent serves it, nothing in Gatehouse reads it.

#include <nlohmann/json_fwd.hpp>

#include "consul/agent_service.hpp"
#include "consul/node.hpp"

namespace gatehouse::consul {

struct CatalogService {
  Node node;
  AgentService service;

  friend bool operator==(const CatalogService&, const CatalogService&) = default;
};

// Every structs.ServiceNode field Consul CE prints: ServiceTaggedAddresses and PeerName are
// omitempty, ServiceLocality is printed as null, ServiceProxy/ServiceConnect are always objects.
void to_json(nlohmann::json& j, const CatalogService& v);

}  // namespace gatehouse::consul
