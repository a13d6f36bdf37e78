#pragma once
// The config entries the dev agent keeps (`service-intentions`, `service-defaults`) and every
// intention view over them, as Consul has had it since 1.9 (agent/consul/state/intention.go):
// the exact API, the legacy ID API, list, match, check and authorize all read and rewrite the
// same entries.

#include <boost/system/result.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consul/intention.hpp"
#include "consul/intention_match.hpp"
#include "consul/service_defaults_entry.hpp"
#include "consul/service_intentions_entry.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

class IntentionStore {
 public:
  explicit IntentionStore(StateStore& store) : store_{store} {}

  std::uint64_t index() const { return store_.index(Table::kConfigEntries); }

  // --- config entries (PUT/GET/DELETE /v1/config) ---
  // `cas`: only write when the stored entry's ModifyIndex equals it (0 = must not exist).
  // Returns whether the entry was written, or the validation error (500).
  boost::system::result<bool, HttpError> put_intentions_entry(consul::ServiceIntentionsEntry entry,
                                                              std::optional<std::uint64_t> cas);
  boost::system::result<bool, HttpError> put_defaults_entry(consul::ServiceDefaultsEntry entry,
                                                            std::optional<std::uint64_t> cas);
  const consul::ServiceIntentionsEntry* intentions_entry(const std::string& name) const;
  const consul::ServiceDefaultsEntry* defaults_entry(const std::string& name) const;
  std::vector<consul::ServiceIntentionsEntry> intentions_entries() const;
  std::vector<consul::ServiceDefaultsEntry> defaults_entries() const;
  // `cas`: only delete when the stored entry's ModifyIndex equals it; a missing entry is not
  // deleted (agent/consul/state/config_entry.go DeleteConfigEntryCAS). Returns whether it was.
  bool delete_intentions_entry(const std::string& name, std::optional<std::uint64_t> cas = {});
  bool delete_defaults_entry(const std::string& name, std::optional<std::uint64_t> cas = {});

  // --- intention views ---
  // Every intention, in evaluation order (IntentionPrecedenceSorter).
  std::vector<consul::Intention> all() const;
  std::vector<consul::Intention> match(consul::MatchBy by, const consul::ServiceRef& service) const;

  // Exact API: identity from the URL, body fields from `ixn`.
  std::optional<consul::Intention> get_exact(const consul::ServiceRef& source,
                                             const consul::ServiceRef& destination) const;
  std::optional<HttpError> put_exact(const consul::ServiceRef& source,
                                     const consul::ServiceRef& destination, consul::Intention ixn);
  void delete_exact(const consul::ServiceRef& source, const consul::ServiceRef& destination);

  // Legacy ID API.
  boost::system::result<std::string, HttpError> create_legacy(consul::Intention ixn,
                                                              const std::string& now_rfc3339);
  std::optional<consul::Intention> get_legacy(const std::string& id) const;
  std::optional<HttpError> update_legacy(const std::string& id, consul::Intention ixn,
                                         const std::string& now_rfc3339);
  std::optional<HttpError> delete_legacy(const std::string& id);

 private:
  // Validates and stores a changed intentions entry (or removes it when it has no sources).
  std::optional<HttpError> commit(consul::ServiceIntentionsEntry entry, bool legacy_write);
  std::optional<HttpError> check_l7_protocol(const consul::ServiceIntentionsEntry& entry) const;
  consul::ServiceIntentionsEntry* entry_with_legacy_id(const std::string& id);

  StateStore& store_;
  std::map<std::string, consul::ServiceIntentionsEntry> intentions_;
  std::map<std::string, consul::ServiceDefaultsEntry> defaults_;
};

}  // namespace gatehouse::tools
