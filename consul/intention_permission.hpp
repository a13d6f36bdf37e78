#pragma once
// L7 intention permissions (structs.IntentionPermission, agent/structs/config_entry_intentions.go).
// Only Envoy enforces them; authorize and check treat any intention that has permissions as a deny.

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

struct IntentionHttpHeaderPermission {
  static constexpr std::string_view kGoType = "structs.IntentionHTTPHeaderPermission";

  std::string name;
  bool present = false;  // the matchers are all omitempty; exactly one must be set
  std::string exact;
  std::string prefix;
  std::string suffix;
  std::string regex;
  bool invert = false;

  friend bool operator==(const IntentionHttpHeaderPermission&,
                         const IntentionHttpHeaderPermission&) = default;
};

struct IntentionHttpPermission {
  static constexpr std::string_view kGoType = "structs.IntentionHTTPPermission";

  std::string path_exact;  // at most one of the three path matchers
  std::string path_prefix;
  std::string path_regex;
  std::vector<IntentionHttpHeaderPermission> header;
  std::vector<std::string> methods;  // upper-cased by normalisation

  friend bool operator==(const IntentionHttpPermission&, const IntentionHttpPermission&) = default;
};

struct IntentionPermission {
  static constexpr std::string_view kGoType = "structs.IntentionPermission";

  std::string action;  // "allow" | "deny"; always encoded
  std::optional<IntentionHttpPermission> http;
  RawJson jwt;  // IntentionJWTRequirement, carried opaquely

  friend bool operator==(const IntentionPermission&, const IntentionPermission&) = default;
};

// Consul's write validation of permission `perm_index` of source `source_index`, e.g.
// `Sources[0].Permissions[1].HTTP should not be empty`; nullopt when valid.
std::optional<std::string> validate_permission(const IntentionPermission& perm,
                                               std::size_t source_index, std::size_t perm_index);

// Upper-cases HTTP methods, as Consul's normalisation does before validation.
void normalize_permission(IntentionPermission& perm);

void to_json(nlohmann::json& j, const IntentionHttpHeaderPermission& v);
void from_json(const nlohmann::json& j, IntentionHttpHeaderPermission& v);
void decode_fields(ObjectDecoder& d, IntentionHttpHeaderPermission& v);
void to_json(nlohmann::json& j, const IntentionHttpPermission& v);
void from_json(const nlohmann::json& j, IntentionHttpPermission& v);
void decode_fields(ObjectDecoder& d, IntentionHttpPermission& v);
void to_json(nlohmann::json& j, const IntentionPermission& v);
void from_json(const nlohmann::json& j, IntentionPermission& v);
void decode_fields(ObjectDecoder& d, IntentionPermission& v);

}  // namespace gatehouse::consul
