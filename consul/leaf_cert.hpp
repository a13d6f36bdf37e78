#pragma once
// GET /v1/agent/connect/ca/leaf/:service (structs.IssuedCert, agent/structs/connect_ca.go).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

struct LeafCert {
  static constexpr std::string_view kGoType = "structs.IssuedCert";

  std::string serial_number;    // colon-hex, a string
  std::string cert_pem;         // leaf followed by the intermediates; omitempty
  std::string private_key_pem;  // omitempty; never logged
  std::string service;          // omitempty
  std::string service_uri;      // omitempty
  std::string agent;            // omitempty; agent certs only
  std::string agent_uri;        // omitempty
  std::string valid_after;      // RFC 3339
  std::string valid_before;
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  friend bool operator==(const LeafCert&, const LeafCert&) = default;
};

void to_json(nlohmann::json& j, const LeafCert& v);
void from_json(const nlohmann::json& j, LeafCert& v);
void decode_fields(ObjectDecoder& d, LeafCert& v);

}  // namespace gatehouse::consul
