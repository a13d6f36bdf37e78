#include "consul/intention_responses.hpp"

#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const IntentionCheckResponse& v) {
  j = nlohmann::json{{"Allowed", v.allowed}};
}

void decode_fields(ObjectDecoder& d, IntentionCheckResponse& v) { d.field("Allowed", v.allowed); }

void from_json(const nlohmann::json& j, IntentionCheckResponse& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const IntentionIdResponse& v) { j = nlohmann::json{{"ID", v.id}}; }

void decode_fields(ObjectDecoder& d, IntentionIdResponse& v) { d.field("ID", v.id); }

void from_json(const nlohmann::json& j, IntentionIdResponse& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::IntentionCheckResponse);
GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::IntentionIdResponse);
