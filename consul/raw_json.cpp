#include "consul/raw_json.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::consul {

RawJson::RawJson(const nlohmann::json& value) {
  if (!value.is_null())
    text_ = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json RawJson::value() const {
  if (text_.empty()) return nullptr;
  return nlohmann::json::parse(text_);
}

void to_json(nlohmann::json& j, const RawJson& raw) { j = raw.value(); }

void from_json(const nlohmann::json& j, RawJson& raw) { raw = RawJson{j}; }

}  // namespace gatehouse::consul
