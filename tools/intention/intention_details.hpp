#pragma once
// The `gatehouse intention get` output, as `consul intention get` prints it: columnised
// `Source:`, `Destination:`, `Action:` (if set), `ID:` (if set), `Description:` (if set),
// `Meta[key]:` (sorted), `Created At:` (Go's time.RFC850 in local time), then `Permissions:`
// and their JSON for L7 intentions.
//
//   Source:       web
//   Destination:  db
//   Action:       allow
//   Created At:   Tuesday, 05-Mar-24 10:02:11 UTC

#include <string>
#include <string_view>

#include "consul/intention.hpp"

namespace gatehouse::tools {

// With a final newline.
std::string format_intention_details(const consul::Intention& ixn);

// An RFC 3339 time (`2024-03-05T10:02:11.577421Z`, `…+02:00`) in local time in Go's RFC850
// layout, `Monday, 02-Jan-06 15:04:05 MST`. Empty or unparsable input is Go's zero time, which
// Consul prints for intentions without CreatedAt: `Monday, 01-Jan-01 00:00:00 UTC`.
std::string format_rfc850_local(std::string_view rfc3339);

}  // namespace gatehouse::tools
