#include "consul/intention.hpp"

#include <algorithm>
#include <cctype>

#include "consul/go_quote.hpp"
#include "consul/intention_precedence.hpp"
#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

// Consul's limits for opaque values (structs.metaMaxKeyPairs and friends).
constexpr std::size_t kMetaMaxKeyPairs = 64;
constexpr std::size_t kMetaKeyMaxLength = 128;
constexpr std::size_t kMetaValueMaxLength = 512;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return s;
}

std::string ns_or_default(const std::string& ns) {
  return ns.empty() ? std::string{kDefaultNamespace} : ns;
}

// structs.ServiceName.String() in the forms Consul prints: `ns/name`, with the partition
// in front when set, and `peer(<peer>)/ns/name` for peered sources.
std::string qualified_name(const std::string& partition, const std::string& ns,
                           const std::string& name, const std::string& peer = {}) {
  std::string out = ns_or_default(ns) + "/" + name;
  if (!peer.empty()) return "peer(" + peer + ")/" + out;
  if (!partition.empty()) return partition + "/" + out;
  return out;
}

// api.Intention.partString: the default namespace and partition are omitted.
std::string cli_name(const std::string& partition, const std::string& ns, const std::string& name) {
  std::string out = name;
  if (!ns.empty() && ns != kDefaultNamespace) out = ns + "/" + out;
  if (!partition.empty() && partition != kDefaultNamespace) out = partition + "/" + out;
  return out;
}

void check_wildcard(std::vector<std::string>& errors, std::string_view field,
                    const std::string& value) {
  if (value != kWildcard && value.find('*') != std::string::npos)
    errors.push_back(std::string{field} +
                     ": wildcard character '*' cannot be used with partial values");
}

}  // namespace

void Intention::update_precedence() {
  precedence = intention_precedence(source_ns, source_name, destination_ns, destination_name);
}

std::string Intention::to_string() const {
  std::string detail =
      is_l7() ? "Permissions: " + std::to_string(permissions.size()) : "Action: " + upper(action);
  std::string id_part = id.empty() ? std::string{} : "ID: " + id + ", ";
  return qualified_name(source_partition, source_ns, source_name, source_peer) + " => " +
         qualified_name(destination_partition, destination_ns, destination_name) + " (" + id_part +
         "Precedence: " + std::to_string(precedence) + ", " + detail + ")";
}

std::string Intention::source_cli_string() const {
  return cli_name(source_partition, source_ns, source_name);
}

std::string Intention::destination_cli_string() const {
  return cli_name(destination_partition, destination_ns, destination_name);
}

std::string Intention::to_cli_string() const {
  std::string detail;
  if (permissions.empty()) {
    detail = action;
  } else if (permissions.size() == 1) {
    detail = "1 permission";
  } else {
    detail = std::to_string(permissions.size()) + " permissions";
  }
  return source_cli_string() + " => " + destination_cli_string() + " (" + detail + ")";
}

std::vector<std::string> Intention::validate_legacy() const {
  std::vector<std::string> errors;
  if (source_ns.empty()) errors.emplace_back("SourceNS must be set");
  if (source_name.empty()) errors.emplace_back("SourceName must be set");
  if (destination_ns.empty()) errors.emplace_back("DestinationNS must be set");
  if (destination_name.empty()) errors.emplace_back("DestinationName must be set");

  check_wildcard(errors, "SourceNS", source_ns);
  if (source_name != kWildcard) {
    check_wildcard(errors, "SourceName", source_name);
    if (source_ns == kWildcard)
      errors.emplace_back("SourceName: exact value cannot follow wildcard namespace");
  }
  check_wildcard(errors, "DestinationNS", destination_ns);
  if (destination_name != kWildcard) {
    check_wildcard(errors, "DestinationName", destination_name);
    if (destination_ns == kWildcard)
      errors.emplace_back("DestinationName: exact value cannot follow wildcard namespace");
  }

  if (description.size() > kMetaValueMaxLength)
    errors.push_back("Description exceeds maximum length " + std::to_string(kMetaValueMaxLength));
  if (meta.size() > kMetaMaxKeyPairs)
    errors.push_back("Meta exceeds maximum element count " + std::to_string(kMetaMaxKeyPairs));
  for (const auto& [k, v] : meta) {
    if (k.size() > kMetaKeyMaxLength)
      errors.push_back("Meta key " + go_quote(k) + " exceeds maximum length " +
                       std::to_string(kMetaKeyMaxLength));
    if (v.size() > kMetaValueMaxLength)
      errors.push_back("Meta value for key " + go_quote(k) + " exceeds maximum length " +
                       std::to_string(kMetaValueMaxLength));
  }
  if (action != kActionAllow && action != kActionDeny)
    errors.emplace_back("Action must be set to 'allow' or 'deny'");
  if (source_type != kSourceTypeConsul) errors.emplace_back("SourceType must be set to 'consul'");
  return errors;
}

std::string format_multierror(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return "1 error occurred:\n\t* " + errors.front() + "\n\n";
  std::string out = std::to_string(errors.size()) + " errors occurred:";
  for (const auto& e : errors) out += "\n\t* " + e;
  return out + "\n\n";
}

void to_json(nlohmann::json& j, const Intention& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "ID", v.id);
  put_omitempty(j, "Description", v.description);
  j["SourceNS"] = v.source_ns;
  j["SourceName"] = v.source_name;
  j["DestinationNS"] = v.destination_ns;
  j["DestinationName"] = v.destination_name;
  put_omitempty(j, "SourcePartition", v.source_partition);
  put_omitempty(j, "DestinationPartition", v.destination_partition);
  put_omitempty(j, "SourcePeer", v.source_peer);
  put_omitempty(j, "SourceSamenessGroup", v.source_sameness_group);
  j["SourceType"] = v.source_type;
  put_omitempty(j, "Action", v.action);
  put_omitempty(j, "Permissions", v.permissions);
  if (!v.jwt.empty()) j["JWT"] = v.jwt;
  put_omitempty(j, "DefaultAddr", v.default_addr);
  put_omitempty(j, "DefaultPort", v.default_port);
  put_omitempty(j, "Meta", v.meta);
  j["Precedence"] = v.precedence;
  put_omitempty(j, "CreatedAt", v.created_at);
  put_omitempty(j, "UpdatedAt", v.updated_at);
  put_omitempty(j, "Hash", v.hash);
  j["CreateIndex"] = v.create_index;
  j["ModifyIndex"] = v.modify_index;
}

void decode_fields(ObjectDecoder& d, Intention& v) {
  d.field("ID", v.id);
  d.field("Description", v.description);
  d.field("SourceNS", v.source_ns);
  d.field("SourceName", v.source_name);
  d.field("DestinationNS", v.destination_ns);
  d.field("DestinationName", v.destination_name);
  d.field("SourcePartition", v.source_partition);
  d.field("DestinationPartition", v.destination_partition);
  d.field("SourcePeer", v.source_peer);
  d.field("SourceSamenessGroup", v.source_sameness_group);
  d.field("SourceType", v.source_type);
  d.field("Action", v.action);
  d.field("Permissions", v.permissions);
  d.field("JWT", v.jwt);
  d.field("DefaultAddr", v.default_addr);
  d.field("DefaultPort", v.default_port);
  d.field("Meta", v.meta);
  d.field("Precedence", v.precedence);
  d.field("CreatedAt", v.created_at);
  d.field("UpdatedAt", v.updated_at);
  d.field("Hash", v.hash);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, Intention& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::Intention);
GATEHOUSE_CONSUL_DECODE_JSON(std::vector<gatehouse::consul::Intention>);
GATEHOUSE_CONSUL_DECODE_JSON(std::map<std::string, std::vector<gatehouse::consul::Intention>>);
