#pragma once
// The `Proxy` block of a connect-proxy service (api.AgentServiceConnectProxyConfig in api/agent.go
// / structs.ConnectProxyConfig in agent/structs/connect_proxy_config.go). The agent endpoints and
// the health endpoint encode it differently; see ProxyShape.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consul/raw_json.hpp"
#include "consul/upstream.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

struct ConnectProxyConfig {
  static constexpr std::string_view kGoType = "structs.ConnectProxyConfig";

  std::string destination_service_name;   // omitempty
  std::string destination_service_id;     // omitempty
  std::string local_service_address;      // omitempty
  int local_service_port = 0;             // omitempty
  std::string local_service_socket_path;  // omitempty
  std::string mode;                       // "" | "transparent" | "direct"
  RawJson transparent_proxy;
  RawJson config;  // opaque map (bind_address, local_connect_timeout_ms, …)
  std::vector<Upstream> upstreams;
  RawJson mesh_gateway;
  RawJson expose;
  RawJson access_logs;
  std::vector<RawJson> envoy_extensions;

  friend bool operator==(const ConnectProxyConfig&, const ConnectProxyConfig&) = default;
};

// GET /v1/agent/service(s) print the api struct: `Mode`, `TransparentProxy`, `AccessLogs`
// omitted when empty, `MeshGateway`/`Expose` always `{}`. GET /v1/health/connect prints the
// structs value: `Mode` always, and `MeshGateway`, `Expose`, `TransparentProxy`, `AccessLogs`
// always objects.
enum class ProxyShape { agent, catalog };

nlohmann::json proxy_to_json(const ConnectProxyConfig& v, ProxyShape shape);

void to_json(nlohmann::json& j, const ConnectProxyConfig& v);  // ProxyShape::agent
void from_json(const nlohmann::json& j, ConnectProxyConfig& v);
void decode_fields(ObjectDecoder& d, ConnectProxyConfig& v);

}  // namespace gatehouse::consul
