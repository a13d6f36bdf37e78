#include "consul/intention_precedence.hpp"

#include "consul/intention.hpp"

namespace gatehouse::consul {
namespace {

std::string_view ns_or_default(std::string_view ns) { return ns.empty() ? kDefaultNamespace : ns; }

}  // namespace

int count_exact(std::string_view ns, std::string_view name) {
  // An exact name cannot follow a wildcard namespace, so `*` in the namespace means `*/*`.
  if (ns_or_default(ns) == kWildcard) return 0;
  if (name == kWildcard) return 1;
  return 2;
}

int intention_precedence(std::string_view source_ns, std::string_view source_name,
                         std::string_view destination_ns, std::string_view destination_name) {
  int max = 0;
  switch (count_exact(destination_ns, destination_name)) {
    case 2:
      max = 9;
      break;
    case 1:
      max = 6;
      break;
    default:
      max = 3;
      break;
  }
  return max - (2 - count_exact(source_ns, source_name));
}

std::optional<std::string> validate_intention_wildcards(std::string_view ns,
                                                        std::string_view name) {
  ns = ns_or_default(ns);
  if (ns != kWildcard && ns.find('*') != std::string_view::npos)
    return "Namespace: wildcard character '*' cannot be used with partial values";
  if (name != kWildcard) {
    if (name.find('*') != std::string_view::npos)
      return "Name: wildcard character '*' cannot be used with partial values";
    if (ns == kWildcard) return "Name: exact value cannot follow wildcard namespace";
  }
  return std::nullopt;
}

}  // namespace gatehouse::consul
