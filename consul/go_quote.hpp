#pragma once
// Go's %q for strings, as Consul's error messages print names (`"web"`). Printable ASCII is
// exact; other bytes follow JSON escaping, which differs from Go only for rare control bytes.

#include <string>
#include <string_view>

namespace gatehouse::consul {

std::string go_quote(std::string_view s);

}  // namespace gatehouse::consul
