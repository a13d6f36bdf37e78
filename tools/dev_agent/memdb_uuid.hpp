#pragma once
// The argument check of go-memdb's UUIDFieldIndex (index.go parseString with the length
// enforced), which Consul's legacy intention lookups run the URL's ID through (the
// intention-legacy-id index in agent/consul/state/config_entry_schema.go).

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::tools {

// nullopt for an ID the index accepts, else memdb's text, e.g. `UUID must be 36 characters` or
// `Invalid UUID: encoding/hex: invalid byte: U+0067 'g'`.
std::optional<std::string> memdb_uuid_error(std::string_view id);

}  // namespace gatehouse::tools
