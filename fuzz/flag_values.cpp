// Outside bytes: the values of command-line flags and environment variables, each through its
// parser. The first byte chooses the parser, the rest is the value:
//   0 durations: consul::parse_go_duration (Go's time.ParseDuration; also the agent's check and
//     TTL texts) and tools::parse_positive_duration_flag (every *-timeout flag, -settle);
//   1 -listen, -service-addr, -admin-addr: tools::parse_host_port (Go's net.SplitHostPort);
//   2 -upstream: tools::parse_upstream_flag(s) and the port parser parse_go_int;
//   3 -http-addr / CONSUL_HTTP_ADDR: consul::parse_agent_address, and Go's ParseBool for
//     CONSUL_HTTP_SSL and CONSUL_HTTP_SSL_VERIFY;
//   4 SRC/DST of `gatehouse intention`: consul::parse_intention_target.
// Invariants: nothing crashes or throws; what a parser accepts, printed back the way a user would
// write it, parses to the same value (format_go_duration, "host:port", "name:host:port",
// base_url(), "partition/ns/name"); a positive duration flag is at least 1 ms.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_config.hpp"
#include "consul/go_duration.hpp"
#include "consul/intention_target.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/duration_flag.hpp"
#include "tools/proxy/proxy_options.hpp"
#include "tools/proxy/upstream_flag.hpp"

using namespace gatehouse;

namespace {

void check_duration(std::string_view text) {
  const auto d = consul::parse_go_duration(text);
  if (d) {
    const auto printed = consul::format_go_duration(*d);
    const auto again = consul::parse_go_duration(printed);
    FUZZ_CHECK(again && *again == *d, printed);
    FUZZ_CHECK(consul::format_go_duration(*again) == printed, printed);
  }
  const auto flag = tools::parse_positive_duration_flag("timeout", std::string{text});
  FUZZ_CHECK(flag.has_value() == (d && *d > std::chrono::nanoseconds::zero()), std::string{text});
  if (flag) FUZZ_CHECK(*flag >= std::chrono::milliseconds{1}, std::string{text});
}

std::string host_port_text(const proxy::HostPort& hp) {
  const bool bracket = hp.host.find(':') != std::string::npos;
  return (bracket ? "[" + hp.host + "]" : hp.host) + ":" + std::to_string(hp.port);
}

void check_host_port(std::string_view text) {
  const auto hp = tools::parse_host_port(text);
  if (!hp) return;
  const auto printed = host_port_text(*hp);
  const auto again = tools::parse_host_port(printed);
  FUZZ_CHECK(again && *again == *hp, printed);
}

void check_upstreams(std::string_view text) {
  std::vector<std::string> values;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = text.find('\n', start);
    values.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  for (const auto& value : values) {
    const auto port = tools::parse_go_int(value);
    if (port) {
      const auto again = tools::parse_go_int(std::to_string(*port));
      FUZZ_CHECK(again && *again == *port, value);
    }
    const auto upstream = tools::parse_upstream_flag(value);
    if (!upstream) continue;
    FUZZ_CHECK(!upstream->destination_name.empty(), value);
    const auto printed = upstream->destination_name + ":" + upstream->bind.host + ":" +
                         std::to_string(upstream->bind.port);
    const auto again = tools::parse_upstream_flag(printed);
    FUZZ_CHECK(again && *again == *upstream, printed);
  }
  const auto all = tools::parse_upstream_flags(values);
  if (all) {
    for (std::size_t i = 0; i < all->size(); ++i) {
      for (std::size_t j = i + 1; j < all->size(); ++j) {
        FUZZ_CHECK((*all)[i].destination_name != (*all)[j].destination_name, "duplicate upstream");
      }
    }
  }
}

void check_agent_address(std::string_view text) {
  static_cast<void>(consul::parse_go_bool(text));
  for (const bool https : {false, true}) {
    const auto address = consul::parse_agent_address(text, https);
    if (!address || !address->unix_socket_path.empty()) continue;
    const auto url = address->base_url();
    const auto again = consul::parse_agent_address(url, false);
    FUZZ_CHECK(again.has_value(), url);
    FUZZ_CHECK(again->scheme == address->scheme && again->host_port == address->host_port &&
                   again->path_prefix == address->path_prefix,
               url);
  }
}

void check_intention_target(std::string_view text) {
  for (const bool allow_peer : {false, true}) {
    const auto target = consul::parse_intention_target(text, allow_peer);
    if (!target || !target->peer.empty()) continue;
    std::string printed = target->name;
    if (!target->ns.empty() || !target->partition.empty()) printed = target->ns + "/" + printed;
    if (!target->partition.empty()) printed = target->partition + "/" + printed;
    // A leading "peer:" would read as a peer: spell the empty partition or namespace out.
    if (printed.starts_with("peer:")) printed = "/" + printed;
    const auto again = consul::parse_intention_target(printed, allow_peer);
    FUZZ_CHECK(again && *again == *target, printed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view value{reinterpret_cast<const char*>(data) + 1, size - 1};
  switch (data[0] % 5) {
    case 0:
      check_duration(value);
      break;
    case 1:
      check_host_port(value);
      break;
    case 2:
      check_upstreams(value);
      break;
    case 3:
      check_agent_address(value);
      break;
    default:
      check_intention_target(value);
      break;
  }
  return 0;
}
