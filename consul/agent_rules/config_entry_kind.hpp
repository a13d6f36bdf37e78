#pragma once
// PUT /v1/config carries any config entry; its `Kind` (or `kind`) decides the type to decode.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

// The entry's kind, or Consul's decode error text without the handler's
// `Request decoding failed: ` prefix (`Payload does not contain a kind/Kind key at the top
// level`, `Kind value in payload is not a string`, or a JSON syntax error such as `EOF`).
boost::system::result<std::string, std::string> config_entry_kind(std::string_view body);

}  // namespace gatehouse::consul
