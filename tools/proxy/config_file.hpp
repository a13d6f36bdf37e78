#pragma once
// `gatehouse proxy -config-file FILE`: a JSON file with the same settings as the flags. Every key
// is a flag name with `_` for `-` ("service_addr" is -service-addr); durations live in a
// "timeouts" object; upstreams are objects (the shape of Consul's Proxy.Upstreams, snake_case).
// Unknown keys are errors. Parsing is pure: the file becomes flag-form settings (stored after the
// command line, so flags given there win) plus typed upstreams.
//
//   {"service": "web", "service_addr": "127.0.0.1:8080", "listen": "0.0.0.0:21000",
//    "upstreams": [{"destination_name": "db", "local_bind_port": 9191}],
//    "timeouts": {"handshake": "10s"}, "admin_addr": "127.0.0.1:19000"}
//
// Errors name the file, the JSON pointer and what was expected:
//   configs/web.json: /upstreams/0/local_bind_port: expected an integer 0..65535, got "x"
//   configs/web.json: line 3, column 5: invalid JSON: syntax error while parsing object key - …

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/proxy_config.hpp"

namespace gatehouse::tools {

// One setting in flag form: the flag's name (without dash) and its value as a command line
// would spell it ("handshake-timeout", "10s"); booleans are "true"/"false".
struct FileSetting {
  std::string flag;
  std::string value;
  bool operator==(const FileSetting&) const = default;
};

struct ConfigFile {
  std::vector<FileSetting> settings;  // sorted by key (nlohmann::json objects are ordered maps)
  // Present when the file has "upstreams" (possibly empty); -upstream flags replace them all.
  std::optional<std::vector<proxy::UpstreamConfig>> upstreams;

  // The settings as options parsed by program_options, for po::store after the command line
  // (the first store of an option wins, so the command line overrides the file).
  boost::program_options::parsed_options as_parsed_options(
      const boost::program_options::options_description& description) const;
};

// `name` is how errors call the file (the path as given).
boost::system::result<ConfigFile, std::string> parse_config_file(std::string_view name,
                                                                 std::string_view text);

// Reads `path` and parses it; a file that cannot be read is `<path>: cannot read: <why>`.
boost::system::result<ConfigFile, std::string> load_config_file(const std::string& path);

}  // namespace gatehouse::tools
