#pragma once
// The `service-defaults` config entry (structs.ServiceConfigEntry). The dev agent needs Protocol:
// L7 intentions are refused unless the destination's protocol is http, http2 or grpc.
// The other fields are carried so that valid entries round-trip.

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kServiceDefaultsKind = "service-defaults";

struct ServiceDefaultsEntry {
  static constexpr std::string_view kGoType = "structs.ServiceConfigEntry";

  std::string kind = std::string{kServiceDefaultsKind};
  std::string name;
  std::string protocol;                     // empty = tcp
  std::string mode;                         // omitempty
  RawJson transparent_proxy;                // encoded {} when empty
  std::string mutual_tls_mode;              // omitempty
  RawJson mesh_gateway;                     // encoded {} when empty
  RawJson expose;                           // encoded {} when empty
  std::string external_sni;                 // omitempty
  RawJson upstream_config;                  // omitempty
  RawJson destination;                      // omitempty
  int max_inbound_connections = 0;          // omitempty
  int local_connect_timeout_ms = 0;         // omitempty
  int local_request_timeout_ms = 0;         // omitempty
  std::string balance_inbound_connections;  // omitempty
  std::vector<RawJson> envoy_extensions;    // omitempty
  std::map<std::string, std::string> meta;  // omitempty
  std::string namespace_;                   // Enterprise
  std::string partition;                    // Enterprise
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  // The protocol L7 checks use: `tcp` when unset.
  std::string effective_protocol() const { return protocol.empty() ? "tcp" : protocol; }
  // http, http2 and grpc allow L7 intention permissions.
  bool is_http_like() const;

  friend bool operator==(const ServiceDefaultsEntry&, const ServiceDefaultsEntry&) = default;
};

// The text Consul answers when Permissions are written for a non-HTTP destination:
// `service "db" has protocol "tcp", which is incompatible with L7 intentions permissions`.
std::string l7_protocol_error(std::string_view service, std::string_view protocol);

void to_json(nlohmann::json& j, const ServiceDefaultsEntry& v);
void from_json(const nlohmann::json& j, ServiceDefaultsEntry& v);
void decode_fields(ObjectDecoder& d, ServiceDefaultsEntry& v);

}  // namespace gatehouse::consul
