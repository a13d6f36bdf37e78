#pragma once
// GET /v1/agent/connect/ca/roots (structs.IndexedCARoots, agent/structs/connect_ca.go).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::consul {

class ObjectDecoder;

struct CaRoot {
  static constexpr std::string_view kGoType = "structs.CARoot";

  std::string id;  // colon-hex SHA-1 of the root DER
  std::string name;
  std::uint64_t serial_number = 0;  // a JSON number, unlike leaf serials
  std::string signing_key_id;
  std::string external_trust_domain;
  std::string not_before;  // RFC 3339
  std::string not_after;
  std::string root_cert;                        // PEM, ends with '\n'
  std::vector<std::string> intermediate_certs;  // null in JSON when empty
  std::string signing_cert;                     // omitempty; stripped by servers
  std::string signing_key;                      // omitempty; never logged
  bool active = false;
  std::string private_key_type;
  int private_key_bits = 0;
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  friend bool operator==(const CaRoot&, const CaRoot&) = default;
};

struct CaRoots {
  static constexpr std::string_view kGoType = "structs.IndexedCARoots";

  std::string active_root_id;
  std::string trust_domain;  // `<cluster-id>.consul`; absent from old agents
  std::vector<CaRoot> roots;

  // The root whose ID is active_root_id, or nullptr.
  const CaRoot* active_root() const;

  friend bool operator==(const CaRoots&, const CaRoots&) = default;
};

void to_json(nlohmann::json& j, const CaRoot& v);
void from_json(const nlohmann::json& j, CaRoot& v);
void decode_fields(ObjectDecoder& d, CaRoot& v);
void to_json(nlohmann::json& j, const CaRoots& v);
void from_json(const nlohmann::json& j, CaRoots& v);
void decode_fields(ObjectDecoder& d, CaRoots& v);

}  // namespace gatehouse::consul
