#include "tools/dev_agent/intention_store.hpp"

#include <algorithm>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "consul/go_quote.hpp"

namespace gatehouse::tools {

using consul::Intention;
using consul::ServiceIntentionsEntry;

namespace {

template <class T>
using Result = boost::system::result<T, HttpError>;

HttpError fail(std::string text) { return HttpError::from_error_text(std::move(text)); }

Result<bool> written(bool value) { return Result<bool>{boost::system::in_place_value, value}; }

template <class T>
Result<T> failure(std::string text) {
  return Result<T>{boost::system::in_place_error, fail(std::move(text))};
}

// The entry as validate() must see it when an intention endpoint rewrote it: other sources may
// still carry the legacy bridge fields, which only the legacy path may set.
ServiceIntentionsEntry without_legacy_fields(ServiceIntentionsEntry e) {
  for (auto& s : e.sources) {
    s.legacy_id.clear();
    s.legacy_meta.clear();
    s.legacy_create_time.clear();
    s.legacy_update_time.clear();
  }
  return e;
}

template <class Map, class Entry>
bool cas_allows(const Map& map, const Entry& entry, std::optional<std::uint64_t> cas) {
  if (!cas) return true;
  auto it = map.find(entry.name);
  if (it == map.end()) return *cas == 0;
  return it->second.modify_index == *cas;
}

// An entry written through the config-entry or exact API cannot be edited by ID any more
// (agent/consul/state/config_entry_intention.go checkLegacyIntentionApplyAllowed; in CE the
// destination is ServiceName.String(), the bare name).
std::string mixed_apis_error(const std::string& destination) {
  return "cannot use legacy intention API to edit intentions with a destination of " +
         consul::go_quote(destination) + " after editing them via a service-intentions config entry";
}

bool legacy_fields_all_set(const ServiceIntentionsEntry& e) {
  return std::ranges::all_of(e.sources, [](const auto& s) { return !s.legacy_id.empty(); });
}

}  // namespace

std::optional<HttpError> IntentionStore::check_l7_protocol(const ServiceIntentionsEntry& e) const {
  if (!e.has_any_permissions()) return std::nullopt;
  const auto* defaults = defaults_entry(e.name);
  const std::string protocol = defaults != nullptr ? defaults->effective_protocol() : "tcp";
  if (defaults != nullptr && defaults->is_http_like()) return std::nullopt;
  return fail(consul::l7_protocol_error(e.name, protocol));
}

Result<bool> IntentionStore::put_intentions_entry(ServiceIntentionsEntry entry,
                                                  std::optional<std::uint64_t> cas) {
  entry.normalize(false);
  if (auto err = entry.validate(false)) return failure<bool>(*err);
  if (auto err = check_l7_protocol(entry)) return Result<bool>{boost::system::in_place_error, *err};
  if (!cas_allows(intentions_, entry, cas)) return written(false);
  auto it = intentions_.find(entry.name);
  const auto index = store_.touch(Table::kConfigEntries);
  entry.create_index = it == intentions_.end() ? index : it->second.create_index;
  entry.modify_index = index;
  intentions_.insert_or_assign(entry.name, std::move(entry));
  return written(true);
}

Result<bool> IntentionStore::put_defaults_entry(consul::ServiceDefaultsEntry entry,
                                                std::optional<std::uint64_t> cas) {
  entry.kind = std::string{consul::kServiceDefaultsKind};
  if (entry.name.empty()) return failure<bool>("Name is required");
  if (!cas_allows(defaults_, entry, cas)) return written(false);
  auto it = defaults_.find(entry.name);
  const auto index = store_.touch(Table::kConfigEntries);
  entry.create_index = it == defaults_.end() ? index : it->second.create_index;
  entry.modify_index = index;
  defaults_.insert_or_assign(entry.name, std::move(entry));
  return written(true);
}

const ServiceIntentionsEntry* IntentionStore::intentions_entry(const std::string& name) const {
  auto it = intentions_.find(name);
  return it == intentions_.end() ? nullptr : &it->second;
}

const consul::ServiceDefaultsEntry* IntentionStore::defaults_entry(const std::string& name) const {
  auto it = defaults_.find(name);
  return it == defaults_.end() ? nullptr : &it->second;
}

std::vector<ServiceIntentionsEntry> IntentionStore::intentions_entries() const {
  std::vector<ServiceIntentionsEntry> out;
  for (const auto& [name, e] : intentions_) out.push_back(e);
  return out;
}

std::vector<consul::ServiceDefaultsEntry> IntentionStore::defaults_entries() const {
  std::vector<consul::ServiceDefaultsEntry> out;
  for (const auto& [name, e] : defaults_) out.push_back(e);
  return out;
}

namespace {

template <class Map>
bool erase_entry(Map& map, StateStore& store, const std::string& name,
                 std::optional<std::uint64_t> cas) {
  auto it = map.find(name);
  if (it == map.end()) return false;
  if (cas && it->second.modify_index != *cas) return false;
  map.erase(it);
  store.touch(Table::kConfigEntries);
  return true;
}

}  // namespace

bool IntentionStore::delete_intentions_entry(const std::string& name,
                                             std::optional<std::uint64_t> cas) {
  return erase_entry(intentions_, store_, name, cas);
}

bool IntentionStore::delete_defaults_entry(const std::string& name,
                                           std::optional<std::uint64_t> cas) {
  return erase_entry(defaults_, store_, name, cas);
}

std::vector<Intention> IntentionStore::all() const {
  std::vector<Intention> out;
  for (const auto& [name, e] : intentions_) {
    auto ixns = e.to_intentions();
    out.insert(out.end(), ixns.begin(), ixns.end());
  }
  consul::sort_intentions(out);
  return out;
}

std::vector<Intention> IntentionStore::match(consul::MatchBy by,
                                             const consul::ServiceRef& service) const {
  const auto everything = all();
  return consul::match_intentions(everything, by, service);
}

std::optional<Intention> IntentionStore::get_exact(const consul::ServiceRef& source,
                                                   const consul::ServiceRef& destination) const {
  auto it = intentions_.find(destination.name);
  if (it == intentions_.end()) return std::nullopt;
  auto entry = it->second;  // find_source is non-const
  const auto* src = entry.find_source(source.ns, source.name);
  if (src == nullptr) return std::nullopt;
  return entry.to_intention(*src);
}

std::optional<HttpError> IntentionStore::commit(ServiceIntentionsEntry entry, bool legacy_write) {
  if (entry.sources.empty()) {
    delete_intentions_entry(entry.name);
    return std::nullopt;
  }
  entry.normalize(true);  // keeps the legacy bridge fields of every source
  const auto problem =
      legacy_write ? entry.validate(true) : without_legacy_fields(entry).validate(false);
  if (problem) return fail(*problem);
  if (auto err = check_l7_protocol(entry)) return err;
  auto it = intentions_.find(entry.name);
  const auto index = store_.touch(Table::kConfigEntries);
  entry.create_index = it == intentions_.end() ? index : it->second.create_index;
  entry.modify_index = index;
  intentions_.insert_or_assign(entry.name, std::move(entry));
  return std::nullopt;
}

std::optional<HttpError> IntentionStore::put_exact(const consul::ServiceRef& source,
                                                   const consul::ServiceRef& destination,
                                                   Intention ixn) {
  ixn.id.clear();  // the identity comes from the URL
  ixn.source_ns = source.ns;
  ixn.source_name = source.name;
  ixn.destination_ns = destination.ns;
  ixn.destination_name = destination.name;
  if (ixn.source_type.empty()) ixn.source_type = std::string{consul::kSourceTypeConsul};
  ServiceIntentionsEntry entry;
  if (auto it = intentions_.find(destination.name); it != intentions_.end()) {
    entry = it->second;
  } else {
    entry.name = destination.name;
  }
  // agent/consul/intention_endpoint.go computeApplyChangesUpsert: Meta belongs to the config
  // entry. Without an entry it is refused; with one, a Meta equal to the entry's is dropped (a
  // client echoing what it read back) and any other is refused.
  if (!ixn.meta.empty()) {
    const bool has_entry = intentions_.contains(destination.name);
    if (!has_entry) return fail("Meta must not be specified");
    if (ixn.meta != entry.meta) {
      return fail("Meta must not be specified, or should be unchanged during an update.");
    }
    ixn.meta.clear();
  }
  entry.upsert_source(consul::to_source_intention(ixn, false));
  return commit(std::move(entry), false);
}

void IntentionStore::delete_exact(const consul::ServiceRef& source,
                                  const consul::ServiceRef& destination) {
  auto it = intentions_.find(destination.name);
  if (it == intentions_.end()) return;
  auto entry = it->second;
  if (!entry.delete_source(source.ns, source.name)) return;
  static_cast<void>(commit(std::move(entry), false));  // removing a source cannot fail validation
}

ServiceIntentionsEntry* IntentionStore::entry_with_legacy_id(const std::string& id) {
  for (auto& [name, e] : intentions_) {
    if (e.find_legacy_source(id) != nullptr) return &e;
  }
  return nullptr;
}

Result<std::string> IntentionStore::create_legacy(Intention ixn, const std::string& now) {
  // structs.Intention.CanWrite fails before validation when there is no destination.
  if (ixn.destination_name.empty()) return failure<std::string>("Permission denied");
  if (!ixn.id.empty())
    return failure<std::string>("ID must be empty when creating a new intention");
  if (ixn.is_l7()) {
    return failure<std::string>("Permissions must not be set when using the legacy APIs");
  }
  if (ixn.source_ns.empty()) ixn.source_ns = std::string{consul::kDefaultNamespace};
  if (ixn.destination_ns.empty()) ixn.destination_ns = std::string{consul::kDefaultNamespace};
  if (auto errors = ixn.validate_legacy(); !errors.empty()) {
    return failure<std::string>(consul::format_multierror(errors));
  }
  ixn.id = boost::uuids::to_string(boost::uuids::random_generator{}());
  ixn.created_at = now;
  ixn.updated_at = now;
  ServiceIntentionsEntry entry;
  if (auto it = intentions_.find(ixn.destination_name); it != intentions_.end()) {
    entry = it->second;
    if (!legacy_fields_all_set(entry)) return failure<std::string>(mixed_apis_error(entry.name));
  } else {
    entry.name = ixn.destination_name;
  }
  // Appended, not upserted: a second intention for the same source is a validation error.
  entry.sources.push_back(consul::to_source_intention(ixn, true));
  if (auto err = commit(std::move(entry), true)) {
    return Result<std::string>{boost::system::in_place_error, *err};
  }
  return ixn.id;
}

std::optional<Intention> IntentionStore::get_legacy(const std::string& id) const {
  for (const auto& [name, e] : intentions_) {
    for (const auto& src : e.sources) {
      if (!id.empty() && src.legacy_id == id) return e.to_intention(src);
    }
  }
  return std::nullopt;
}

std::optional<HttpError> IntentionStore::update_legacy(const std::string& id, Intention ixn,
                                                       const std::string& now) {
  auto* stored = entry_with_legacy_id(id);
  if (stored == nullptr) return fail("Cannot modify non-existent intention: '" + id + "'");
  if (ixn.is_l7()) return fail("Permissions must not be set when using the legacy APIs");
  if (ixn.source_ns.empty()) ixn.source_ns = std::string{consul::kDefaultNamespace};
  if (ixn.destination_ns.empty()) ixn.destination_ns = std::string{consul::kDefaultNamespace};
  if (ixn.destination_name != stored->name ||
      ixn.destination_ns != std::string{consul::kDefaultNamespace}) {
    return fail(
        "Cannot modify Destination partition/namespace/name for an intention once it exists.");
  }
  if (auto errors = ixn.validate_legacy(); !errors.empty()) {
    return fail(consul::format_multierror(errors));
  }
  if (!legacy_fields_all_set(*stored)) return fail(mixed_apis_error(stored->name));
  auto entry = *stored;
  auto* src = entry.find_legacy_source(id);
  ixn.id = id;
  ixn.created_at = src->legacy_create_time;
  ixn.updated_at = now;
  *src = consul::to_source_intention(ixn, true);
  return commit(std::move(entry), true);
}

std::optional<HttpError> IntentionStore::delete_legacy(const std::string& id) {
  auto* stored = entry_with_legacy_id(id);
  if (stored == nullptr) return fail("Cannot delete non-existent intention: '" + id + "'");
  if (!legacy_fields_all_set(*stored)) return fail(mixed_apis_error(stored->name));
  auto entry = *stored;
  entry.delete_legacy_source(id);
  return commit(std::move(entry), true);
}

}  // namespace gatehouse::tools
