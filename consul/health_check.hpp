#pragma once
// A check as the health endpoints show it (structs.HealthCheck, agent/structs/structs.go).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kHealthPassing = "passing";
inline constexpr std::string_view kHealthWarning = "warning";
inline constexpr std::string_view kHealthCritical = "critical";

struct HealthCheck {
  static constexpr std::string_view kGoType = "structs.HealthCheck";

  std::string node;
  std::string check_id;
  std::string name;
  std::string status;
  std::string notes;
  std::string output;
  std::string service_id;
  std::string service_name;
  std::vector<std::string> service_tags;  // [] when empty
  std::string type;
  std::string interval;
  std::string timeout;
  int exposed_port = 0;
  RawJson definition;     // {} when empty
  std::string peer_name;  // omitempty
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  bool passing() const { return status == kHealthPassing; }

  friend bool operator==(const HealthCheck&, const HealthCheck&) = default;
};

void to_json(nlohmann::json& j, const HealthCheck& v);
void from_json(const nlohmann::json& j, HealthCheck& v);
void decode_fields(ObjectDecoder& d, HealthCheck& v);

}  // namespace gatehouse::consul
