#pragma once
// The SRC/DST forms of the intention CLI and of the `source`/`destination` query parameters
// (command/intention/helpers.go ParseIntentionTarget, agent/intentions_endpoint.go
// parseIntentionStringComponent): `name`, `*`, `ns/name`, `ns/*`, `*/*`, `partition/ns/name`, and
// for a GET source also `peer:<peer>/name`.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

struct IntentionTarget {
  std::string partition;  // empty when not given
  std::string ns;         // empty when not given (callers default it)
  std::string name;
  std::string peer;  // only with allow_peer

  friend bool operator==(const IntentionTarget&, const IntentionTarget&) = default;
};

// Errors: `input can contain at most two '/'`, `cannot specify a peer here`, `need to specify
// the service name as well`.
boost::system::result<IntentionTarget, std::string> parse_intention_target(std::string_view input,
                                                                           bool allow_peer = false);

}  // namespace gatehouse::consul
