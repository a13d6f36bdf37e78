#pragma once
// One upstream of a connect proxy (api.Upstream in api/agent.go / structs.Upstream in
// agent/structs/connect_proxy_config.go).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kUpstreamService = "service";
inline constexpr std::string_view kUpstreamPreparedQuery = "prepared_query";

struct Upstream {
  static constexpr std::string_view kGoType = "structs.Upstream";

  std::string destination_type;       // omitempty; "service" (default) | "prepared_query"
  std::string destination_namespace;  // omitempty
  std::string destination_partition;  // omitempty
  std::string destination_peer;       // omitempty
  std::string destination_name;
  std::string datacenter;              // omitempty
  std::string local_bind_address;      // omitempty
  int local_bind_port = 0;             // omitempty
  std::string local_bind_socket_path;  // omitempty
  std::string local_bind_socket_mode;  // omitempty
  RawJson config;                      // omitempty; opaque map
  RawJson mesh_gateway;                // encoded {} when empty
  bool centrally_configured = false;   // omitempty

  // DestinationType with the default applied.
  std::string effective_type() const {
    return destination_type.empty() ? std::string{kUpstreamService} : destination_type;
  }

  friend bool operator==(const Upstream&, const Upstream&) = default;
};

void to_json(nlohmann::json& j, const Upstream& v);
void from_json(const nlohmann::json& j, Upstream& v);
void decode_fields(ObjectDecoder& d, Upstream& v);

}  // namespace gatehouse::consul
