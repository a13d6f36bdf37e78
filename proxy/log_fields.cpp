#include "proxy/log_fields.hpp"

#include <nlohmann/json.hpp>

#include "common/hex_escape.hpp"

namespace gatehouse::proxy {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string quote_text_value(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      common::append_hex_escape(out, u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

LogFields& LogFields::add(std::string_view key, std::string_view value) {
  fields_.push_back({std::string{key}, std::string{value}, Kind::text});
  return *this;
}

LogFields& LogFields::add_quoted(std::string_view key, std::string_view value) {
  fields_.push_back({std::string{key}, std::string{value}, Kind::quoted});
  return *this;
}

LogFields& LogFields::add(std::string_view key, std::int64_t value) {
  fields_.push_back({std::string{key}, std::to_string(value), Kind::number});
  return *this;
}

LogFields& LogFields::add(std::string_view key, std::uint64_t value) {
  fields_.push_back({std::string{key}, std::to_string(value), Kind::number});
  return *this;
}

std::string LogFields::text() const {
  std::string out;
  for (const auto& f : fields_) {
    if (!out.empty()) out.push_back(' ');
    out += f.key;
    out.push_back('=');
    const bool quote = f.kind == Kind::quoted || (f.kind == Kind::text && needs_quotes(f.value));
    out += quote ? quote_text_value(f.value) : f.value;
  }
  return out;
}

std::string LogFields::json_members() const {
  std::string out;
  for (const auto& f : fields_) {
    if (!out.empty()) out.push_back(',');
    out += nlohmann::json(f.key).dump();
    out.push_back(':');
    // Invalid UTF-8 (a hostile peer's bytes) is replaced rather than thrown on.
    out += f.kind == Kind::number ? f.value
                                  : nlohmann::json(f.value).dump(
                                        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out;
}

}  // namespace gatehouse::proxy
