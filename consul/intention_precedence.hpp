#pragma once
// Intention precedence (agent/structs/intention.go UpdatePrecedence, countExact) and the
// wildcard rules it relies on.

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::consul {

// How many of {namespace, name} are exact: `*`/`*` -> 0, ns/`*` -> 1, ns/name -> 2.
// An empty namespace counts as `default`.
int count_exact(std::string_view ns, std::string_view name);

// 9 (exact -> exact) down to 1 (`*/*` -> `*/*`).
int intention_precedence(std::string_view source_ns, std::string_view source_name,
                         std::string_view destination_ns, std::string_view destination_name);

// Consul's validateIntentionWildcards for one side: `Name: exact value cannot follow wildcard
// namespace`, `Name: wildcard character '*' cannot be used with partial values`,
// `Namespace: wildcard character '*' cannot be used with partial values`; nullopt when valid.
std::optional<std::string> validate_intention_wildcards(std::string_view ns, std::string_view name);

}  // namespace gatehouse::consul
