#include "consul/service_intentions_entry.hpp"

#include <algorithm>

#include "consul/go_quote.hpp"
#include "consul/intention_precedence.hpp"
#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

constexpr std::size_t kMetaMaxKeyPairs = 64;
constexpr std::size_t kMetaKeyMaxLength = 128;
constexpr std::size_t kMetaValueMaxLength = 512;

std::string ns_or_default(std::string_view ns) {
  return std::string{ns.empty() ? kDefaultNamespace : ns};
}

std::string at(std::size_t i) { return "Sources[" + std::to_string(i) + "]"; }

// validateConfigEntryMeta.
std::optional<std::string> validate_meta(const std::map<std::string, std::string>& meta) {
  if (meta.size() > kMetaMaxKeyPairs)
    return "Meta exceeds maximum element count " + std::to_string(kMetaMaxKeyPairs);
  for (const auto& [k, v] : meta) {
    if (k.size() > kMetaKeyMaxLength)
      return "Meta key " + go_quote(k) + " exceeds maximum length " +
             std::to_string(kMetaKeyMaxLength);
    if (v.size() > kMetaValueMaxLength)
      return "Meta value for key " + go_quote(k) + " exceeds maximum length " +
             std::to_string(kMetaValueMaxLength);
  }
  return std::nullopt;
}

std::optional<std::string> validate_source(const ServiceIntentionsEntry& e,
                                           const SourceIntention& src, std::size_t i,
                                           bool legacy_write) {
  if (src.name.empty()) return at(i) + ".Name is required";
  if (auto err = validate_intention_wildcards(src.namespace_, src.name)) return at(i) + "." + *err;
  if (!src.peer.empty() && !src.partition.empty())
    return at(i) + ".Peer: cannot set Peer and Partition at the same time.";
  if (!src.sameness_group.empty() && !src.partition.empty())
    return at(i) + ".SamenessGroup: cannot set SamenessGroup and Partition at the same time";
  if (!src.sameness_group.empty() && !src.peer.empty())
    return at(i) + ".SamenessGroup: cannot set SamenessGroup and Peer at the same time";
  if (src.description.size() > kMetaValueMaxLength)
    return at(i) + ".Description exceeds maximum length " + std::to_string(kMetaValueMaxLength);

  if (legacy_write) {
    if (!src.peer.empty()) return at(i) + ".Peer cannot be set by legacy intentions";
    if (!src.sameness_group.empty())
      return at(i) + ".SamenessGroup cannot be set by legacy intentions";
    if (src.legacy_meta.size() > kMetaMaxKeyPairs)
      return at(i) + ".Meta exceeds maximum element count " + std::to_string(kMetaMaxKeyPairs);
    for (const auto& [k, v] : src.legacy_meta) {
      if (k.size() > kMetaKeyMaxLength)
        return at(i) + ".Meta key " + go_quote(k) + " exceeds maximum length " +
               std::to_string(kMetaKeyMaxLength);
      if (v.size() > kMetaValueMaxLength)
        return at(i) + ".Meta value for key " + go_quote(k) + " exceeds maximum length " +
               std::to_string(kMetaValueMaxLength);
    }
    if (src.legacy_create_time.empty()) return at(i) + ".LegacyCreateTime must be set";
    if (src.legacy_update_time.empty()) return at(i) + ".LegacyUpdateTime must be set";
    if (src.legacy_id.empty()) return at(i) + ".LegacyID must be set";
  } else {
    if (!src.legacy_meta.empty()) return at(i) + ".LegacyMeta must be omitted";
    if (!src.legacy_create_time.empty()) return at(i) + ".LegacyCreateTime must be omitted";
    if (!src.legacy_update_time.empty()) return at(i) + ".LegacyUpdateTime must be omitted";
    if (!src.legacy_id.empty()) return at(i) + ".LegacyID must be omitted";
  }

  if ((legacy_write || src.permissions.empty()) && src.action != kActionAllow &&
      src.action != kActionDeny)
    return at(i) + ".Action must be set to 'allow' or 'deny'";
  if (!src.permissions.empty() && !src.action.empty())
    return at(i) + ".Action must be omitted if Permissions are specified";
  if (e.has_wildcard_destination() && !src.permissions.empty())
    return at(i) + ".Permissions cannot be specified on intentions with wildcarded destinations";
  if (src.type != kSourceTypeConsul) return at(i) + ".Type must be set to 'consul'";
  for (std::size_t j = 0; j < src.permissions.size(); ++j)
    if (auto err = validate_permission(src.permissions[j], i, j)) return err;
  return std::nullopt;
}

}  // namespace

bool ServiceIntentionsEntry::has_wildcard_destination() const {
  return ns_or_default(namespace_) == kWildcard || name == kWildcard;
}

bool ServiceIntentionsEntry::has_any_permissions() const {
  return std::any_of(sources.begin(), sources.end(),
                     [](const SourceIntention& s) { return !s.permissions.empty(); });
}

void ServiceIntentionsEntry::normalize(bool legacy_write) {
  kind = std::string{kServiceIntentionsKind};
  for (auto& src : sources) {
    if (src.type.empty()) src.type = std::string{kSourceTypeConsul};
    // A local source inherits the destination's namespace (MergeNoWildcard).
    if (src.peer.empty() && src.sameness_group.empty() && src.namespace_.empty() &&
        namespace_ != kWildcard)
      src.namespace_ = namespace_;
    src.precedence = intention_precedence(src.namespace_, src.name, namespace_, name);
    if (!legacy_write) {
      // LegacyMeta stays so that validate() can refuse it instead of silently dropping data.
      src.legacy_id.clear();
      src.legacy_create_time.clear();
      src.legacy_update_time.clear();
    }
    for (auto& perm : src.permissions) normalize_permission(perm);
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [](const SourceIntention& a, const SourceIntention& b) {
                     return a.precedence > b.precedence;
                   });
}

std::optional<std::string> ServiceIntentionsEntry::validate(bool legacy_write) const {
  if (name.empty()) return std::string{"Name is required"};
  if (auto err = validate_intention_wildcards(namespace_, name)) return err;
  if (legacy_write) {
    if (!meta.empty()) return std::string{"Meta must be omitted for legacy intention writes"};
  } else if (auto err = validate_meta(meta)) {
    return err;
  }
  if (sources.empty()) return std::string{"At least one source is required"};

  struct Seen {
    std::string ns, name, peer, sameness_group;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& src = sources[i];
    if (auto err = validate_source(*this, src, i, legacy_write)) return err;
    Seen key{ns_or_default(src.namespace_), src.name, src.peer, src.sameness_group};
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      if (!src.peer.empty())
        return at(i) + " defines peer(" + go_quote(src.peer) + ") " + go_quote(src.name) +
               " more than once";
      if (!src.sameness_group.empty())
        return at(i) + " defines sameness-group(" + go_quote(src.sameness_group) + ") " +
               go_quote(src.name) + " more than once";
      return at(i) + " defines " + go_quote(src.name) + " more than once";
    }
    seen.push_back(std::move(key));
  }
  return std::nullopt;
}

Intention ServiceIntentionsEntry::to_intention(const SourceIntention& src) const {
  Intention ixn;
  ixn.id = src.legacy_id;
  ixn.description = src.description;
  ixn.source_peer = src.peer;
  ixn.source_sameness_group = src.sameness_group;
  ixn.source_partition = src.partition;
  ixn.source_ns = ns_or_default(src.namespace_);
  ixn.source_name = src.name;
  ixn.source_type = src.type;
  ixn.jwt = jwt;
  ixn.action = src.action;
  ixn.permissions = src.permissions;
  // Legacy-created intentions keep their own meta; others show the entry's.
  ixn.meta = src.legacy_id.empty() ? meta : src.legacy_meta;
  ixn.precedence = src.precedence;
  ixn.destination_partition = partition;
  ixn.destination_ns = ns_or_default(namespace_);
  ixn.destination_name = name;
  ixn.created_at = src.legacy_create_time;
  ixn.updated_at = src.legacy_update_time;
  ixn.create_index = create_index;
  ixn.modify_index = modify_index;
  return ixn;
}

std::vector<Intention> ServiceIntentionsEntry::to_intentions() const {
  std::vector<Intention> out;
  out.reserve(sources.size());
  for (const auto& src : sources) out.push_back(to_intention(src));
  return out;
}

SourceIntention* ServiceIntentionsEntry::find_source(std::string_view ns,
                                                     std::string_view src_name) {
  for (auto& src : sources)
    if (src.peer.empty() && src.sameness_group.empty() &&
        ns_or_default(src.namespace_) == ns_or_default(ns) && src.name == src_name)
      return &src;
  return nullptr;
}

void ServiceIntentionsEntry::upsert_source(SourceIntention source) {
  for (auto& src : sources) {
    if (ns_or_default(src.namespace_) == ns_or_default(source.namespace_) &&
        src.name == source.name && src.peer == source.peer &&
        src.sameness_group == source.sameness_group) {
      src = std::move(source);
      return;
    }
  }
  sources.push_back(std::move(source));
}

bool ServiceIntentionsEntry::delete_source(std::string_view ns, std::string_view src_name) {
  const auto* found = find_source(ns, src_name);
  if (found == nullptr) return false;
  sources.erase(sources.begin() + (found - sources.data()));
  return true;
}

SourceIntention* ServiceIntentionsEntry::find_legacy_source(std::string_view legacy_id) {
  if (legacy_id.empty()) return nullptr;
  for (auto& src : sources)
    if (src.legacy_id == legacy_id) return &src;
  return nullptr;
}

bool ServiceIntentionsEntry::delete_legacy_source(std::string_view legacy_id) {
  const auto* found = find_legacy_source(legacy_id);
  if (found == nullptr) return false;
  sources.erase(sources.begin() + (found - sources.data()));
  return true;
}

SourceIntention to_source_intention(const Intention& ixn, bool legacy) {
  SourceIntention src;
  src.name = ixn.source_name;
  src.namespace_ = ixn.source_ns;
  src.partition = ixn.source_partition;
  src.action = ixn.action;
  src.permissions = ixn.permissions;
  src.type = ixn.source_type;
  src.description = ixn.description;
  src.peer = ixn.source_peer;
  src.sameness_group = ixn.source_sameness_group;
  if (legacy) {
    src.legacy_id = ixn.id;
    src.legacy_meta = ixn.meta;
    src.legacy_create_time = ixn.created_at;
    src.legacy_update_time = ixn.updated_at;
  }
  return src;
}

ServiceIntentionsEntry to_config_entry(const Intention& ixn, bool legacy) {
  ServiceIntentionsEntry e;
  e.name = ixn.destination_name;
  e.namespace_ = ixn.destination_ns;
  e.partition = ixn.destination_partition;
  e.sources.push_back(to_source_intention(ixn, legacy));
  e.create_index = ixn.create_index;
  e.modify_index = ixn.modify_index;
  return e;
}

void to_json(nlohmann::json& j, const SourceIntention& v) {
  j = nlohmann::json{{"Name", v.name}};
  put_omitempty(j, "Action", v.action);
  put_omitempty(j, "Permissions", v.permissions);
  j["Precedence"] = v.precedence;
  put_omitempty(j, "LegacyID", v.legacy_id);
  j["Type"] = v.type;
  put_omitempty(j, "Description", v.description);
  put_omitempty(j, "LegacyMeta", v.legacy_meta);
  put_omitempty(j, "LegacyCreateTime", v.legacy_create_time);
  put_omitempty(j, "LegacyUpdateTime", v.legacy_update_time);
  put_omitempty(j, "Namespace", v.namespace_ == kDefaultNamespace ? std::string{} : v.namespace_);
  put_omitempty(j, "Partition", v.partition == kDefaultNamespace ? std::string{} : v.partition);
  put_omitempty(j, "Peer", v.peer);
  put_omitempty(j, "SamenessGroup", v.sameness_group);
}

void decode_fields(ObjectDecoder& d, SourceIntention& v) {
  d.field("Name", v.name);
  d.field("Action", v.action);
  d.field("Permissions", v.permissions);
  d.field("Precedence", v.precedence);
  d.field("LegacyID", v.legacy_id);
  d.field("Type", v.type);
  d.field("Description", v.description);
  d.field("LegacyMeta", v.legacy_meta);
  d.field("LegacyCreateTime", v.legacy_create_time);
  d.field("LegacyUpdateTime", v.legacy_update_time);
  d.field("Namespace", v.namespace_);
  d.field("Partition", v.partition);
  d.field("Peer", v.peer);
  d.field("SamenessGroup", v.sameness_group);
}

void from_json(const nlohmann::json& j, SourceIntention& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const ServiceIntentionsEntry& v) {
  j = nlohmann::json{{"Kind", v.kind}, {"Name", v.name}, {"Sources", nil_if_empty(v.sources)}};
  if (!v.jwt.empty()) j["JWT"] = v.jwt;
  put_omitempty(j, "Meta", v.meta);
  put_omitempty(j, "Namespace", v.namespace_ == kDefaultNamespace ? std::string{} : v.namespace_);
  put_omitempty(j, "Partition", v.partition == kDefaultNamespace ? std::string{} : v.partition);
  j["CreateIndex"] = v.create_index;
  j["ModifyIndex"] = v.modify_index;
}

void decode_fields(ObjectDecoder& d, ServiceIntentionsEntry& v) {
  d.field("Kind", v.kind);
  d.field("Name", v.name);
  d.field("Sources", v.sources);
  d.field("JWT", v.jwt);
  d.field("Meta", v.meta);
  d.field("Namespace", v.namespace_);
  d.field("Partition", v.partition);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, ServiceIntentionsEntry& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::ServiceIntentionsEntry);
GATEHOUSE_CONSUL_DECODE_JSON(std::vector<gatehouse::consul::ServiceIntentionsEntry>);
