#pragma once
// The `service-intentions` config entry, the storage format of intentions since Consul 1.9
// (structs.ServiceIntentionsConfigEntry, agent/structs/config_entry_intentions.go). The intention
// endpoints are views over these entries: to_intentions() is Consul's ToIntention.

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/intention.hpp"
#include "consul/intention_permission.hpp"
#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

inline constexpr std::string_view kServiceIntentionsKind = "service-intentions";

struct SourceIntention {
  static constexpr std::string_view kGoType = "structs.SourceIntention";

  std::string name;
  std::string action;                              // omitempty; must be empty with permissions
  std::vector<IntentionPermission> permissions;    // omitempty
  int precedence = 0;                              // recomputed on every write
  std::string legacy_id;                           // omitempty; bridge for the legacy ID API
  std::string type;                                // defaults to `consul` on normalisation
  std::string description;                         // omitempty
  std::map<std::string, std::string> legacy_meta;  // omitempty
  std::string legacy_create_time;                  // omitempty, RFC 3339
  std::string legacy_update_time;                  // omitempty
  std::string namespace_;                          // Enterprise; empty = the entry's namespace
  std::string partition;                           // Enterprise
  std::string peer;                                // omitempty
  std::string sameness_group;                      // omitempty

  friend bool operator==(const SourceIntention&, const SourceIntention&) = default;
};

struct ServiceIntentionsEntry {
  static constexpr std::string_view kGoType = "structs.ServiceIntentionsConfigEntry";

  std::string kind = std::string{kServiceIntentionsKind};
  std::string name;  // the destination; may be `*`
  std::vector<SourceIntention> sources;
  RawJson jwt;                              // omitempty
  std::map<std::string, std::string> meta;  // omitempty
  std::string namespace_;                   // Enterprise; empty = default
  std::string partition;                    // Enterprise
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  // Consul's normalize(): Kind, default source Type, precedence, upper-case methods, legacy
  // fields cleared (unless legacy_write), Sources sorted by descending precedence (stable).
  void normalize(bool legacy_write = false);

  // Consul's validate(); the first problem, e.g. `Name is required`,
  // `Sources[1] defines "web" more than once`, `Sources[0].LegacyMeta must be omitted`.
  std::optional<std::string> validate(bool legacy_write = false) const;

  bool has_wildcard_destination() const;
  bool has_any_permissions() const;

  Intention to_intention(const SourceIntention& source) const;
  std::vector<Intention> to_intentions() const;

  // Edits used by the intention endpoints. Sources are identified by (namespace, name, peer).
  SourceIntention* find_source(std::string_view ns, std::string_view name);
  void upsert_source(SourceIntention source);
  bool delete_source(std::string_view ns, std::string_view name);
  SourceIntention* find_legacy_source(std::string_view legacy_id);
  bool delete_legacy_source(std::string_view legacy_id);

  friend bool operator==(const ServiceIntentionsEntry&, const ServiceIntentionsEntry&) = default;
};

// Intention.ToSourceIntention / ToConfigEntry: the legacy form carries ID, Meta and timestamps.
SourceIntention to_source_intention(const Intention& intention, bool legacy);
ServiceIntentionsEntry to_config_entry(const Intention& intention, bool legacy);

void to_json(nlohmann::json& j, const SourceIntention& v);
void from_json(const nlohmann::json& j, SourceIntention& v);
void decode_fields(ObjectDecoder& d, SourceIntention& v);
void to_json(nlohmann::json& j, const ServiceIntentionsEntry& v);
void from_json(const nlohmann::json& j, ServiceIntentionsEntry& v);
void decode_fields(ObjectDecoder& d, ServiceIntentionsEntry& v);

}  // namespace gatehouse::consul
