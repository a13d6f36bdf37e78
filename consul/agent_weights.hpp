#pragma once
// DNS SRV weights of a service (Weights in registrations and service views).

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

struct AgentWeights {
  static constexpr std::string_view kGoType = "structs.Weights";

  int passing = 1;
  int warning = 1;

  friend bool operator==(const AgentWeights&, const AgentWeights&) = default;
};

void to_json(nlohmann::json& j, const AgentWeights& v);
void from_json(const nlohmann::json& j, AgentWeights& v);
void decode_fields(ObjectDecoder& d, AgentWeights& v);

}  // namespace gatehouse::consul
