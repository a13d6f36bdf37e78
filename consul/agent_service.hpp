#pragma once
// A local service instance as GET /v1/agent/service/:id and /v1/agent/services show it
// (api.AgentService in api/agent.go).

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_service_registration.hpp"
#include "consul/agent_weights.hpp"
#include "consul/connect_proxy_config.hpp"
#include "consul/service_address.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

struct AgentService {
  static constexpr std::string_view kGoType = "api.AgentService";

  std::string kind;  // omitempty; "connect-proxy" for sidecars
  std::string id;
  std::string service;
  std::vector<std::string> tags;            // [] when empty
  std::map<std::string, std::string> meta;  // {} when empty
  int port = 0;
  std::string address;
  std::string socket_path;                                 // omitempty
  std::map<std::string, ServiceAddress> tagged_addresses;  // omitempty
  AgentWeights weights;
  bool enable_tag_override = false;
  std::uint64_t create_index = 0;  // omitempty on the agent endpoints
  std::uint64_t modify_index = 0;
  std::string content_hash;                    // omitempty
  std::optional<ConnectProxyConfig> proxy;     // omitempty
  std::optional<AgentServiceConnect> connect;  // omitempty
  std::string peer_name;                       // omitempty
  std::string namespace_;                      // omitempty (Enterprise)
  std::string partition;                       // omitempty (Enterprise)
  std::string datacenter;                      // omitempty

  bool is_sidecar_proxy() const { return kind == kKindConnectProxy; }

  friend bool operator==(const AgentService&, const AgentService&) = default;
};

// The service as GET /v1/health/connect prints it (structs.NodeService): `Proxy` and `Connect`
// always objects, `PeerName` always present, `CreateIndex`/`ModifyIndex` always present.
nlohmann::json node_service_to_json(const AgentService& v);

void to_json(nlohmann::json& j, const AgentService& v);
void from_json(const nlohmann::json& j, AgentService& v);
void decode_fields(ObjectDecoder& d, AgentService& v);

}  // namespace gatehouse::consul
