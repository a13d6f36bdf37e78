#include "tools/proxy/config_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "consul/go_duration.hpp"
#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

// Thrown inside the parser only (one place turns it into the result): the first problem ends
// the parse, and every check stays a one-liner.
struct ConfigError {
  std::string pointer;
  std::string message;
};

// RFC 6901: "~" and "/" inside a key are escaped.
std::string pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The offending value as JSON, shortened so one error stays one line.
std::string shown(const json& value) {
  constexpr std::size_t kMax = 60;
  auto text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

[[noreturn]] void expected(const std::string& pointer, std::string_view what, const json& got) {
  throw ConfigError{pointer, "expected " + std::string{what} + ", got " + shown(got)};
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Checked readers for one JSON value at `pointer`.
std::string as_string(const json& v, const std::string& pointer) {
  if (!v.is_string()) expected(pointer, "a string", v);
  return v.get<std::string>();
}

std::string as_nonempty_string(const json& v, const std::string& pointer) {
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
    expected(pointer, "a non-empty string", v);
  }
  return v.get<std::string>();
}

// Integers only (5.0 is refused): get<std::uint16_t>() would narrow silently, so read 64 bits
// and range-check.
std::int64_t as_integer(const json& v, const std::string& pointer, std::int64_t min,
                        std::int64_t max) {
  const auto what = "an integer " + std::to_string(min) + ".." + std::to_string(max);
  if (!v.is_number_integer()) expected(pointer, what, v);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    expected(pointer, what, v);
  }
  const auto n = v.get<std::int64_t>();
  if (n < min || n > max) expected(pointer, what, v);
  return n;
}

bool as_bool(const json& v, const std::string& pointer) {
  if (!v.is_boolean()) expected(pointer, "true or false", v);
  return v.get<bool>();
}

// "host:port" as -listen takes it; `need_host` also refuses an empty host and port 0.
proxy::HostPort as_host_port(const json& v, const std::string& pointer, bool need_host) {
  const std::string what = need_host ? "\"host:port\" with a host and a port 1..65535"
                                     : "\"host:port\" (port 0 picks a free port)";
  if (!v.is_string()) expected(pointer, what, v);
  auto parsed = parse_host_port(v.get<std::string>());
  if (!parsed || (need_host && (parsed->host.empty() || parsed->port == 0))) {
    expected(pointer, what, v);
  }
  return *parsed;
}

std::string as_duration(const json& v, const std::string& pointer) {
  constexpr std::string_view kWhat = "a positive duration such as \"10s\" or \"500ms\"";
  if (!v.is_string()) expected(pointer, kWhat, v);
  const auto d = consul::parse_go_duration(v.get<std::string>());
  if (!d || *d <= std::chrono::nanoseconds::zero()) expected(pointer, kWhat, v);
  return v.get<std::string>();
}

std::string as_log_level(const json& v, const std::string& pointer) {
  constexpr std::string_view kWhat = "one of \"trace\", \"debug\", \"info\", \"warn\", \"error\"";
  if (!v.is_string()) expected(pointer, kWhat, v);
  auto level = v.get<std::string>();
  std::ranges::transform(level, level.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::string_view, 5> kLevels{"trace", "debug", "info", "warn",
                                                           "error"};
  if (std::ranges::find(kLevels, level) == kLevels.end()) expected(pointer, kWhat, v);
  return level;
}

// An object whose keys are all known: `handle(key, value, pointer)` for each member; any other
// key is an error naming the keys this object takes.
void for_each_member(
    const json& object, const std::string& pointer, const std::vector<std::string>& known,
    const std::function<void(const std::string&, const json&, const std::string&)>& handle) {
  if (!object.is_object()) expected(pointer.empty() ? "/" : pointer, "a JSON object", object);
  for (const auto& [key, value] : object.items()) {
    const auto at = pointer + "/" + pointer_token(key);
    if (std::ranges::find(known, key) == known.end()) {
      throw ConfigError{at, "unknown setting; expected one of: " + join(known)};
    }
    handle(key, value, at);
  }
}

// Keys whose value is one flag's value. `read` validates and returns the flag spelling.
struct ScalarKey {
  std::string_view key;
  std::string_view flag;
  std::function<std::string(const json&, const std::string&)> read;
};

std::string read_name(const json& v, const std::string& p) { return as_nonempty_string(v, p); }
std::string read_bool(const json& v, const std::string& p) {
  return as_bool(v, p) ? "true" : "false";
}
std::string read_listen(const json& v, const std::string& p) {
  as_host_port(v, p, false);
  return v.get<std::string>();
}
std::string read_service_addr(const json& v, const std::string& p) {
  as_host_port(v, p, true);
  return v.get<std::string>();
}

const std::vector<ScalarKey>& scalar_keys() {
  static const std::vector<ScalarKey> keys{
      {"service", "service", read_name},
      {"service_addr", "service-addr", read_service_addr},
      {"listen", "listen", read_listen},
      {"proxy_id", "proxy-id", read_name},
      {"sidecar_for", "sidecar-for", read_name},
      {"register", "register", read_bool},
      {"register_id", "register-id", read_name},
      {"admin_addr", "admin-addr", read_listen},
      {"audit", "audit", read_bool},
      {"log_level", "log-level", as_log_level},
      {"log_json", "log-json", read_bool},
      {"workers", "workers",
       [](const json& v, const std::string& p) {
         return std::to_string(as_integer(v, p, 0, 1024));
       }},
      {"max_connections", "max-connections",
       [](const json& v, const std::string& p) {
         return std::to_string(as_integer(v, p, 1, 10'000'000));
       }},
      {"authz", "authz", read_name},
      {"authz_fail", "authz-fail", read_name},
      {"authz_stale_max", "authz-stale-max", read_name},
      {"revoke", "revoke", read_bool},
      {"authz_verify", "authz-verify",
       [](const json& v, const std::string& p) {
         if (!v.is_number() || v.get<double>() < 0.0 || v.get<double>() > 1.0) {
           expected(p, "a number from 0 to 1", v);
         }
         return std::to_string(v.get<double>());
       }},
      {"decisions_buffer", "decisions-buffer",
       [](const json& v, const std::string& p) {
         return std::to_string(as_integer(v, p, 0, 1'000'000));
       }},
      {"max_handshakes", "max-handshakes",
       [](const json& v, const std::string& p) {
         return std::to_string(as_integer(v, p, 1, 10'000'000));
       }},
      // The agent: as the flags and CONSUL_* variables. No "token": a secret does not belong in
      // a file that gets copied around; use token_file (or CONSUL_HTTP_TOKEN).
      {"http_addr", "http-addr", read_name},
      {"token_file", "token-file", read_name},
      {"ca_file", "ca-file", read_name},
      {"ca_path", "ca-path", read_name},
      {"client_cert", "client-cert", read_name},
      {"client_key", "client-key", read_name},
      {"tls_server_name", "tls-server-name", read_name},
      {"datacenter", "datacenter", read_name},
  };
  return keys;
}

// "timeouts": {"handshake": "10s", ...}: each a flag named <key>-timeout (authorize: authz).
const std::vector<std::pair<std::string, std::string>>& timeout_keys() {
  static const std::vector<std::pair<std::string, std::string>> keys{
      {"handshake", "handshake-timeout"},
      {"local_connect", "local-connect-timeout"},
      {"idle", "idle-timeout"},
      {"drain", "drain-timeout"},
      {"tls_shutdown", "tls-shutdown-timeout"},
      {"authorize", "authz-timeout"},
  };
  return keys;
}

proxy::UpstreamConfig read_upstream(const json& object, const std::string& pointer) {
  static const std::vector<std::string> kKeys{
      "destination_name", "destination_type",   "destination_namespace", "destination_partition",
      "datacenter",       "local_bind_address", "local_bind_port",       "connect_timeout_ms"};
  proxy::UpstreamConfig u;
  bool has_port = false;
  for_each_member(
      object, pointer, kKeys, [&](const std::string& key, const json& v, const std::string& at) {
        if (key == "destination_name") {
          u.destination_name = as_nonempty_string(v, at);
        } else if (key == "destination_type") {
          if (!v.is_string() || v.get_ref<const std::string&>() != "service") {
            expected(at, "\"service\" (prepared_query upstreams are not supported)", v);
          }
        } else if (key == "destination_namespace") {
          u.destination_namespace = as_nonempty_string(v, at);
        } else if (key == "destination_partition") {
          u.destination_partition = as_nonempty_string(v, at);
        } else if (key == "datacenter") {
          u.datacenter = as_string(v, at);
        } else if (key == "local_bind_address") {
          u.bind.host = as_nonempty_string(v, at);
        } else if (key == "local_bind_port") {
          u.bind.port = static_cast<std::uint16_t>(as_integer(v, at, 0, 65535));
          has_port = true;
        } else if (key == "connect_timeout_ms") {
          u.connect_timeout = std::chrono::milliseconds{as_integer(v, at, 1, 3'600'000)};
        }
      });
  if (u.destination_name.empty()) {
    throw ConfigError{pointer + "/destination_name", "missing; expected a non-empty string"};
  }
  if (!has_port) {
    throw ConfigError{pointer + "/local_bind_port",
                      "missing; expected an integer 0..65535 (0 picks a free port)"};
  }
  return u;
}

std::vector<proxy::UpstreamConfig> read_upstreams(const json& v, const std::string& pointer) {
  if (!v.is_array()) expected(pointer, "an array of upstream objects", v);
  std::vector<proxy::UpstreamConfig> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(read_upstream(v[i], pointer + "/" + std::to_string(i)));
  }
  return out;
}

ConfigFile read_document(const json& doc) {
  std::vector<std::string> known;
  for (const auto& k : scalar_keys()) known.emplace_back(k.key);
  known.emplace_back("timeouts");
  known.emplace_back("upstreams");

  ConfigFile file;
  for_each_member(
      doc, "", known, [&](const std::string& key, const json& v, const std::string& at) {
        if (key == "upstreams") {
          file.upstreams = read_upstreams(v, at);
          return;
        }
        if (key == "timeouts") {
          std::vector<std::string> names;
          for (const auto& [name, flag] : timeout_keys()) names.push_back(name);
          for_each_member(v, at, names,
                          [&](const std::string& name, const json& d, const std::string& dat) {
                            const auto it = std::ranges::find(
                                timeout_keys(), name, &std::pair<std::string, std::string>::first);
                            file.settings.push_back({it->second, as_duration(d, dat)});
                          });
          return;
        }
        const auto it = std::ranges::find(scalar_keys(), key, &ScalarKey::key);
        file.settings.push_back({std::string{it->flag}, it->read(v, at)});
      });
  return file;
}

// nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
// error ..."; we keep "line 3, column 5" and the detail.
std::string syntax_error(std::string_view name, const json::parse_error& e) {
  const std::string what = e.what();
  constexpr std::string_view kAt = "parse error at ";
  auto at = what.find(kAt);
  if (at == std::string::npos) return std::string{name} + ": invalid JSON: " + what;
  const auto rest = what.substr(at + kAt.size());
  const auto colon = rest.find(": ");
  if (colon == std::string::npos) return std::string{name} + ": invalid JSON: " + rest;
  return std::string{name} + ": " + rest.substr(0, colon) +
         ": invalid JSON: " + rest.substr(colon + 2);
}

// nlohmann's text without its "[json.exception.<kind>.<id>] " prefix.
std::string detail_of(const json::exception& e) {
  const std::string_view what = e.what();
  const auto end = what.find("] ");
  return std::string{end == std::string_view::npos ? what : what.substr(end + 2)};
}

}  // namespace

po::parsed_options ConfigFile::as_parsed_options(const po::options_description& description) const {
  po::parsed_options parsed{&description};
  for (const auto& s : settings) parsed.options.emplace_back(s.flag, std::vector{s.value});
  return parsed;
}

boost::system::result<ConfigFile, std::string> parse_config_file(std::string_view name,
                                                                 std::string_view text) {
  using R = boost::system::result<ConfigFile, std::string>;
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return R{boost::system::in_place_error, syntax_error(name, e)};
  } catch (const json::out_of_range& e) {
    // A number beyond double (1e400): "[json.exception.out_of_range.406] number overflow ...".
    return R{boost::system::in_place_error, std::string{name} + ": invalid JSON: " + detail_of(e)};
  }
  try {
    return read_document(doc);
  } catch (const ConfigError& e) {
    return R{boost::system::in_place_error,
             std::string{name} + ": " + (e.pointer.empty() ? "/" : e.pointer) + ": " + e.message};
  }
}

boost::system::result<ConfigFile, std::string> load_config_file(const std::string& path) {
  using R = boost::system::result<ConfigFile, std::string>;
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const std::error_code err{errno, std::generic_category()};
    return R{boost::system::in_place_error, path + ": cannot read: " + err.message()};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return R{boost::system::in_place_error, path + ": cannot read"};
  return parse_config_file(path, text.str());
}

}  // namespace gatehouse::tools
