#include "consul/intention_permission.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "consul/go_quote.hpp"
#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

// Go's net/http method constants, the set Consul's isValidHTTPMethod accepts.
constexpr std::array<std::string_view, 9> kHttpMethods{
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"};

}  // namespace

std::optional<std::string> validate_permission(const IntentionPermission& perm,
                                               std::size_t source_index, std::size_t perm_index) {
  const std::string at = "Sources[" + std::to_string(source_index) + "].Permissions[" +
                         std::to_string(perm_index) + "]";
  if (perm.action != "allow" && perm.action != "deny")
    return at + ".Action must be set to 'allow' or 'deny'";
  const std::string prefix = at + ".HTTP";
  if (!perm.http) return prefix + " is required";
  const IntentionHttpPermission& http = *perm.http;

  int path_parts = 0;
  if (!http.path_exact.empty()) {
    ++path_parts;
    if (!http.path_exact.starts_with('/'))
      return prefix + ".PathExact doesn't start with '/': " + go_quote(http.path_exact);
  }
  if (!http.path_prefix.empty()) {
    ++path_parts;
    if (!http.path_prefix.starts_with('/'))
      return prefix + ".PathPrefix doesn't start with '/': " + go_quote(http.path_prefix);
  }
  if (!http.path_regex.empty()) ++path_parts;
  if (path_parts > 1)
    return prefix + " should only contain at most one of PathExact, PathPrefix, or PathRegex";

  int perm_parts = path_parts;
  for (std::size_t k = 0; k < http.header.size(); ++k) {
    const auto& hdr = http.header[k];
    const std::string hdr_at = prefix + ".Header[" + std::to_string(k) + "]";
    if (hdr.name.empty()) return hdr_at + " missing required Name field";
    const int hdr_parts = (hdr.present ? 1 : 0) + (hdr.exact.empty() ? 0 : 1) +
                          (hdr.regex.empty() ? 0 : 1) + (hdr.prefix.empty() ? 0 : 1) +
                          (hdr.suffix.empty() ? 0 : 1);
    if (hdr_parts != 1)
      return hdr_at + " should only contain one of Present, Exact, Prefix, Suffix, or Regex";
    ++perm_parts;
  }

  if (!http.methods.empty()) {
    std::vector<std::string_view> seen;
    for (const auto& m : http.methods) {
      if (std::find(kHttpMethods.begin(), kHttpMethods.end(), m) == kHttpMethods.end())
        return prefix + ".Methods contains an invalid method " + go_quote(m);
      if (std::find(seen.begin(), seen.end(), m) != seen.end())
        return prefix + ".Methods contains " + go_quote(m) + " more than once";
      seen.push_back(m);
    }
    ++perm_parts;
  }
  if (perm_parts == 0) return prefix + " should not be empty";
  return std::nullopt;
}

void normalize_permission(IntentionPermission& perm) {
  if (!perm.http) return;
  for (auto& m : perm.http->methods)
    std::transform(m.begin(), m.end(), m.begin(), [](char c) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
}

void to_json(nlohmann::json& j, const IntentionHttpHeaderPermission& v) {
  j = nlohmann::json{{"Name", v.name}};
  put_omitempty(j, "Present", v.present);
  put_omitempty(j, "Exact", v.exact);
  put_omitempty(j, "Prefix", v.prefix);
  put_omitempty(j, "Suffix", v.suffix);
  put_omitempty(j, "Regex", v.regex);
  put_omitempty(j, "Invert", v.invert);
}

void decode_fields(ObjectDecoder& d, IntentionHttpHeaderPermission& v) {
  d.field("Name", v.name);
  d.field("Present", v.present);
  d.field("Exact", v.exact);
  d.field("Prefix", v.prefix);
  d.field("Suffix", v.suffix);
  d.field("Regex", v.regex);
  d.field("Invert", v.invert);
}

void from_json(const nlohmann::json& j, IntentionHttpHeaderPermission& v) {
  from_json_lenient(j, v);
}

void to_json(nlohmann::json& j, const IntentionHttpPermission& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "PathExact", v.path_exact);
  put_omitempty(j, "PathPrefix", v.path_prefix);
  put_omitempty(j, "PathRegex", v.path_regex);
  put_omitempty(j, "Header", v.header);
  put_omitempty(j, "Methods", v.methods);
}

void decode_fields(ObjectDecoder& d, IntentionHttpPermission& v) {
  d.field("PathExact", v.path_exact);
  d.field("PathPrefix", v.path_prefix);
  d.field("PathRegex", v.path_regex);
  d.field("Header", v.header);
  d.field("Methods", v.methods);
}

void from_json(const nlohmann::json& j, IntentionHttpPermission& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const IntentionPermission& v) {
  j = nlohmann::json{{"Action", v.action}};
  if (v.http) j["HTTP"] = *v.http;
  if (!v.jwt.empty()) j["JWT"] = v.jwt;
}

void decode_fields(ObjectDecoder& d, IntentionPermission& v) {
  d.field("Action", v.action);
  d.field("HTTP", v.http);
  d.field("JWT", v.jwt);
}

void from_json(const nlohmann::json& j, IntentionPermission& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::IntentionPermission);
