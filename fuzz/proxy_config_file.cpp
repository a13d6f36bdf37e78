// Outside bytes: the JSON file of `gatehouse proxy -config-file FILE`
// (tools/proxy/config_file.hpp parse_config_file).
// Invariants: nothing crashes or throws; an error is one line naming the file; an accepted file
// yields only settings for flags the file format knows, each with a value the flag's own parser
// accepts (so the file cannot smuggle in what the command line would refuse), and upstreams with
// a destination name.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "consul/go_duration.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/duration_flag.hpp"
#include "tools/proxy/config_file.hpp"
#include "tools/proxy/proxy_options.hpp"

using namespace gatehouse;

namespace {

constexpr std::string_view kName = "proxy.json";

constexpr std::array<std::string_view, 6> kDurationFlags{
    "handshake-timeout", "local-connect-timeout", "idle-timeout",
    "drain-timeout",     "tls-shutdown-timeout",  "authz-timeout"};
constexpr std::array<std::string_view, 3> kAddressFlags{"service-addr", "listen", "admin-addr"};
constexpr std::array<std::string_view, 7> kIntegerAndBoolFlags{
    "workers", "max-connections", "max-handshakes", "register", "log-json", "log-level", ""};
constexpr std::array<std::string_view, 12> kStringFlags{
    "service", "proxy-id", "sidecar-for", "register-id",     "http-addr",  "token-file",
    "ca-file", "ca-path",  "client-cert", "tls-server-name", "datacenter", "client-key"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view flag) {
  return std::find(names.begin(), names.end(), flag) != names.end();
}

void check_setting(const tools::FileSetting& s) {
  const std::string what = s.flag + "=" + s.value;
  if (one_of(kDurationFlags, s.flag)) {
    FUZZ_CHECK(tools::parse_positive_duration_flag(s.flag, s.value).has_value(), what);
  } else if (one_of(kAddressFlags, s.flag)) {
    FUZZ_CHECK(tools::parse_host_port(s.value).has_value(), what);
  } else if (s.flag == "register" || s.flag == "log-json") {
    FUZZ_CHECK(s.value == "true" || s.value == "false", what);
  } else if (one_of(kIntegerAndBoolFlags, s.flag)) {
    FUZZ_CHECK(!s.value.empty(), what);
  } else {
    FUZZ_CHECK(one_of(kStringFlags, s.flag), "unknown flag " + what);
    FUZZ_CHECK(!s.value.empty(), what);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto file = tools::parse_config_file(kName, text);
  if (!file) {
    FUZZ_CHECK(file.error().starts_with(std::string{kName} + ": "), file.error());
    return 0;
  }
  for (const auto& setting : file->settings) check_setting(setting);
  if (file->upstreams) {
    for (const auto& upstream : *file->upstreams) {
      FUZZ_CHECK(!upstream.destination_name.empty(), "upstream without a name");
    }
  }
  return 0;
}
