#pragma once
// The PUT /v1/agent/service/register body (api.AgentServiceRegistration in api/agent.go /
// structs.ServiceDefinition in agent/structs/service_definition.go). Decode it with
// kStrictBodyAnyCase: CamelCase or snake_case keys, unknown fields rejected.

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_service_check.hpp"
#include "consul/agent_weights.hpp"
#include "consul/boxed.hpp"
#include "consul/connect_proxy_config.hpp"
#include "consul/service_address.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kKindConnectProxy = "connect-proxy";

struct AgentServiceRegistration;

// The `Connect` block: a native service, or a sidecar to derive.
struct AgentServiceConnect {
  static constexpr std::string_view kGoType = "structs.ServiceConnect";

  bool native = false;                              // omitempty
  Boxed<AgentServiceRegistration> sidecar_service;  // omitempty

  friend bool operator==(const AgentServiceConnect&, const AgentServiceConnect&) = default;
};

struct AgentServiceRegistration {
  static constexpr std::string_view kGoType = "structs.ServiceDefinition";

  std::string kind;
  std::string id;  // defaults to name
  std::string name;
  std::vector<std::string> tags;
  int port = 0;
  std::string address;
  std::string socket_path;
  std::map<std::string, ServiceAddress> tagged_addresses;
  bool enable_tag_override = false;
  std::map<std::string, std::string> meta;
  std::optional<AgentWeights> weights;
  std::optional<AgentServiceCheck> check;
  std::vector<AgentServiceCheck> checks;
  std::optional<ConnectProxyConfig> proxy;
  std::optional<AgentServiceConnect> connect;
  std::string token;  // accepted, never echoed or logged
  std::string namespace_;
  std::string partition;

  std::string effective_id() const { return id.empty() ? name : id; }
  // `Check` followed by `Checks`, as Consul's CheckTypes() orders them.
  std::vector<AgentServiceCheck> all_checks() const;

  friend bool operator==(const AgentServiceRegistration&,
                         const AgentServiceRegistration&) = default;
};

void to_json(nlohmann::json& j, const AgentServiceConnect& v);
void from_json(const nlohmann::json& j, AgentServiceConnect& v);
void decode_fields(ObjectDecoder& d, AgentServiceConnect& v);
void to_json(nlohmann::json& j, const AgentServiceRegistration& v);
void from_json(const nlohmann::json& j, AgentServiceRegistration& v);
void decode_fields(ObjectDecoder& d, AgentServiceRegistration& v);

}  // namespace gatehouse::consul
