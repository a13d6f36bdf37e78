#include "consul/agent_weights.hpp"

#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const AgentWeights& v) {
  j = nlohmann::json{{"Passing", v.passing}, {"Warning", v.warning}};
}

void decode_fields(ObjectDecoder& d, AgentWeights& v) {
  d.field("Passing", v.passing);
  d.field("Warning", v.warning);
}

void from_json(const nlohmann::json& j, AgentWeights& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
