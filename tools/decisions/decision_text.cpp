#include "tools/decisions/decision_text.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::tools {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A service name as the line shows it: `-` when the connection never learned it.
std::string service_or_dash(const json& object, const char* key) {
  auto name = text_of(object, key);
  return name.empty() ? "-" : name;
}

std::string quoted(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string decision_text(std::string_view json_line) {
  const auto object = json::parse(json_line, nullptr, false);
  if (!object.is_object()) return std::string{json_line};
  if (const auto dropped = object.find("dropped"); dropped != object.end()) {
    return "(" + dropped->dump() + " decisions dropped here: this reader fell behind)";
  }
  std::string line = text_of(object, "time") + " " + text_of(object, "outcome");
  if (text_of(object, "direction") == "outbound") line += " outbound";
  line += " " + service_or_dash(object, "src_service") + " \u2192 " +
          service_or_dash(object, "dst_service");
  if (object.contains("intention")) line += " intention=" + quoted(text_of(object, "intention"));
  if (object.contains("decision_source")) {
    line += " decision_source=" + text_of(object, "decision_source");
  }
  line += " reason=" + quoted(text_of(object, "reason"));
  return line;
}

}  // namespace gatehouse::tools
