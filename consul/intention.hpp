#pragma once
// An intention as the intention endpoints show it (agent/structs/intention.go Intention,
// api/connect_intention.go). Since Consul 1.9 intentions are views over service-intentions
// config entries (consul/service_intentions_entry.hpp).

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consul/intention_permission.hpp"
#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kWildcard = "*";
inline constexpr std::string_view kDefaultNamespace = "default";
inline constexpr std::string_view kActionAllow = "allow";
inline constexpr std::string_view kActionDeny = "deny";
inline constexpr std::string_view kSourceTypeConsul = "consul";

struct Intention {
  static constexpr std::string_view kGoType = "structs.Intention";

  std::string id;           // omitempty; only intentions created through the legacy ID API
  std::string description;  // omitempty
  std::string source_ns;    // always encoded, like the three below
  std::string source_name;
  std::string destination_ns;
  std::string destination_name;
  std::string source_partition;       // omitempty (Enterprise)
  std::string destination_partition;  // omitempty (Enterprise)
  std::string source_peer;            // omitempty; never matches a local caller
  std::string source_sameness_group;  // omitempty
  std::string source_type = std::string{kSourceTypeConsul};
  std::string action;                            // omitempty; empty for L7 intentions
  std::vector<IntentionPermission> permissions;  // omitempty; non-empty = L7
  RawJson jwt;                                   // omitempty
  std::string default_addr;                      // omitempty, unused
  int default_port = 0;                          // omitempty, unused
  std::map<std::string, std::string> meta;       // omitempty (an empty map is omitted)
  int precedence = 0;                            // always encoded
  std::string created_at;                        // RFC 3339; omitted when empty
  std::string updated_at;
  std::string hash;  // omitempty; base64, legacy replication only
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  bool is_l7() const { return !permissions.empty(); }

  // Recomputes `precedence` from the four names (agent/structs/intention.go UpdatePrecedence);
  // empty namespaces count as `default`.
  void update_precedence();

  // Consul's structs.Intention.String(), used in authorize reasons:
  //   `default/web => default/db (Precedence: 9, Action: ALLOW)`
  //   `default/web => default/db (ID: <uuid>, Precedence: 9, Action: ALLOW)` (legacy)
  //   `default/web => default/db (Precedence: 9, Permissions: 2)` (L7)
  std::string to_string() const;

  // The CLI form, api.Intention.String(): `web => db (allow)`, `web => db (2 permissions)`;
  // the default namespace is omitted.
  std::string to_cli_string() const;
  std::string source_cli_string() const;
  std::string destination_cli_string() const;

  // The legacy API's Validate() messages in Consul's order (empty when valid), e.g.
  // `SourceName must be set`, `Action must be set to 'allow' or 'deny'`.
  std::vector<std::string> validate_legacy() const;

  friend bool operator==(const Intention&, const Intention&) = default;
};

// go-multierror's text for a list of errors, which Consul returns as the error body:
// "1 error occurred:\n\t* <e>\n\n".
std::string format_multierror(const std::vector<std::string>& errors);

void to_json(nlohmann::json& j, const Intention& v);
void from_json(const nlohmann::json& j, Intention& v);
void decode_fields(ObjectDecoder& d, Intention& v);

}  // namespace gatehouse::consul
