#include "tools/dev_agent/response.hpp"

#include <nlohmann/json.hpp>

#include "tools/utf8.hpp"

namespace gatehouse::tools {
namespace {

// A copy of `value` whose strings (and object keys) are valid UTF-8, every rejected byte replaced
// by U+FFFD as Go's encoding/json Marshal does (encode.go `appendString`).
nlohmann::json with_valid_utf8(const nlohmann::json& value) {
  if (value.is_string()) return replace_invalid_utf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(with_valid_utf8(item));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) out[replace_invalid_utf8(key)] = with_valid_utf8(item);
    return out;
  }
  return value;
}

// Serialized before anything is sent, so a body that cannot be written never leaves a response
// half-written. Stored strings hold whatever bytes the client sent (Go strings do too); only the
// rare body with invalid UTF-8 pays for the copy.
std::string serialize(const nlohmann::json& body) {
  try {
    return body.dump();
  } catch (const nlohmann::json::type_error&) {
    // The replace handler is only a last resort: its U+FFFD count differs from Go's for truncated
    // multi-byte sequences, so the Go-rule copy comes first.
    return with_valid_utf8(body).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

Response Response::json(const nlohmann::json& body, unsigned status) {
  return Response{status, "application/json", serialize(body), {}};
}

Response Response::error(const HttpError& e) {
  // Consul writes errors with fmt.Fprint: plain text, no Content-Type set by the handler.
  return Response{e.status, "text/plain; charset=utf-8", e.body, {}};
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace gatehouse::tools
