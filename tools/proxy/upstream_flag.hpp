#pragma once
// One `-upstream` value with the rules of Consul's command/connect/proxy/flag_upstreams.go:
// `name:port`, `name:host:port`, and a `.service` / `.query` suffix on the name choosing the
// destination type. Prepared queries are refused here (this proxy only watches services).

#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/proxy_config.hpp"

namespace gatehouse::tools {

// The error is Go's flag text: `invalid value "db" for flag -upstream: <Consul's reason>`.
boost::system::result<proxy::UpstreamConfig, std::string> parse_upstream_flag(
    std::string_view value);

// Every -upstream value in order. Consul keeps them in a map keyed by name, so a later value for
// the same name replaces the earlier one; we keep the first one's position.
boost::system::result<std::vector<proxy::UpstreamConfig>, std::string> parse_upstream_flags(
    const std::vector<std::string>& values);

// Go's strconv.ParseInt(text, 0, 0) for the values a port can take: decimal, 0x/0o/0b prefixes,
// a leading 0 for octal, `_` between digits after a prefix. Errors carry Go's text.
boost::system::result<long long, std::string> parse_go_int(std::string_view text);

}  // namespace gatehouse::tools
