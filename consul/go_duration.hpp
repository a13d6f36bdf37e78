#pragma once
// Go's time.ParseDuration and Duration.String(), for the duration texts Consul's API carries
// (check Interval/TTL, LeafCertTTL, `wait=`): "10s", "1m30s", "72h", "500ms".

#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace gatehouse::consul {

// Errors use Go's text: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "1d"`.
boost::system::result<std::chrono::nanoseconds, std::string> parse_go_duration(
    std::string_view text);

// "0s", "500ms", "1.5s", "1m30s", "72h0m0s", like Go.
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace gatehouse::consul
