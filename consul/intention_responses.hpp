#pragma once
// The small bodies some intention endpoints answer with: `{"Allowed": true}` from
// GET /v1/connect/intentions/check and `{"ID": "<uuid>"}` from the legacy POST/PUT.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

struct IntentionCheckResponse {
  static constexpr std::string_view kGoType = "structs.IntentionQueryCheckResponse";

  bool allowed = false;

  friend bool operator==(const IntentionCheckResponse&, const IntentionCheckResponse&) = default;
};

struct IntentionIdResponse {
  static constexpr std::string_view kGoType = "api.intentionIDResponse";

  std::string id;

  friend bool operator==(const IntentionIdResponse&, const IntentionIdResponse&) = default;
};

void to_json(nlohmann::json& j, const IntentionCheckResponse& v);
void from_json(const nlohmann::json& j, IntentionCheckResponse& v);
void decode_fields(ObjectDecoder& d, IntentionCheckResponse& v);
void to_json(nlohmann::json& j, const IntentionIdResponse& v);
void from_json(const nlohmann::json& j, IntentionIdResponse& v);
void decode_fields(ObjectDecoder& d, IntentionIdResponse& v);

}  // namespace gatehouse::consul
