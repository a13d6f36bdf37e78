#include "consul/agent_config.hpp"

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "consul/failure.hpp"

namespace gatehouse::consul {

namespace po = boost::program_options;

namespace {

// Flag and environment variable for each setting, in one place so help text and lookups agree.
constexpr std::string_view kHttpAddrEnv = "CONSUL_HTTP_ADDR";
constexpr std::string_view kHttpSslEnv = "CONSUL_HTTP_SSL";
constexpr std::string_view kHttpSslVerifyEnv = "CONSUL_HTTP_SSL_VERIFY";
constexpr std::string_view kTokenEnv = "CONSUL_HTTP_TOKEN";
constexpr std::string_view kTokenFileEnv = "CONSUL_HTTP_TOKEN_FILE";

std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpace);
  return std::string{s.substr(first, last - first + 1)};
}

std::optional<std::string> flag(const po::variables_map& flags, const char* name) {
  const auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.as<std::string>();
}

// Flag value if given, else the environment variable, else empty.
std::string flag_or_env(const po::variables_map& flags, const char* name, const EnvGetter& env,
                        std::string_view env_name) {
  if (auto v = flag(flags, name)) return *v;
  return env(env_name).value_or(std::string{});
}

boost::system::result<std::optional<std::string>, std::string> read_token_file(
    const std::string& path, std::string_view source) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return Failure{"Error loading token file " + path + " (" + std::string{source} +
                   "): cannot read"};
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string token = trim(contents.str());
  if (token.empty()) return std::optional<std::string>{};  // empty file: the next source decides
  return std::optional<std::string>{std::move(token)};
}

boost::system::result<std::string, std::string> token_value(std::string token) {
  return {boost::system::in_place_value, std::move(token)};
}

// -token-file > -token > CONSUL_HTTP_TOKEN_FILE > CONSUL_HTTP_TOKEN.
boost::system::result<std::string, std::string> resolve_token(const po::variables_map& flags,
                                                              const EnvGetter& env) {
  if (auto file = flag(flags, "token-file")) {
    auto token = read_token_file(*file, "-token-file");
    if (!token) return Failure{token.error()};
    if (*token) return token_value(std::move(**token));
  }
  if (auto token = flag(flags, "token")) return token_value(std::move(*token));
  if (auto file = env(kTokenFileEnv)) {
    auto token = read_token_file(*file, kTokenFileEnv);
    if (!token) return Failure{token.error()};
    if (*token) return token_value(std::move(**token));
  }
  return token_value(env(kTokenEnv).value_or(std::string{}));
}

boost::system::result<bool, std::string> env_bool(const EnvGetter& env, std::string_view name,
                                                  bool fallback) {
  const auto text = env(name);
  if (!text) return fallback;
  const auto value = parse_go_bool(*text);
  if (!value)
    return Failure{std::string{name} + ": expected a boolean (true/false/1/0), got \"" + *text +
                   "\""};
  return *value;
}

}  // namespace

EnvGetter process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string{name}.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string{value};
  };
}

std::string AgentAddress::base_url() const {
  // curl needs a host name for unix sockets; like the Go client we use a placeholder.
  if (!unix_socket_path.empty()) return "http://localhost" + path_prefix;
  return scheme + "://" + host_port + path_prefix;
}

std::optional<bool> parse_go_bool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return std::nullopt;
}

boost::system::result<AgentAddress, std::string> parse_agent_address(std::string_view text,
                                                                     bool https_requested) {
  AgentAddress address;
  if (https_requested) address.scheme = "https";
  std::string_view rest = text;
  const auto separator = text.find("://");
  if (separator != std::string_view::npos) {
    const std::string_view scheme = text.substr(0, separator);
    rest = text.substr(separator + 3);
    if (scheme == "unix") {
      if (rest.empty()) return Failure{"unix:// address needs a socket path"};
      address.unix_socket_path = std::string{rest};
      address.scheme = "http";
      address.host_port = "localhost";
      return address;
    }
    if (scheme == "https") {
      address.scheme = "https";
    } else if (scheme != "http") {  // http never downgrades an explicit CONSUL_HTTP_SSL
      return Failure{"Unknown protocol scheme: " + std::string{scheme}};
    }
    // Only an explicit scheme allows a reverse-proxy path prefix, as in the Go client.
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
      address.path_prefix = std::string{rest.substr(slash)};
      rest = rest.substr(0, slash);
      while (address.path_prefix.size() > 1 && address.path_prefix.back() == '/') {
        address.path_prefix.pop_back();
      }
      if (address.path_prefix == "/") address.path_prefix.clear();
    }
  }
  if (rest.empty()) return Failure{"missing host in address \"" + std::string{text} + "\""};
  if (rest.find_first_of(" \t/?#@") != std::string_view::npos) {
    return Failure{"invalid host in address \"" + std::string{text} + "\""};
  }
  address.host_port = std::string{rest};
  return address;
}

boost::system::result<AgentConfig, std::string> AgentConfig::from(const po::variables_map& flags,
                                                                  const EnvGetter& env) {
  AgentConfig config;
  const auto https = env_bool(env, kHttpSslEnv, false);
  if (!https) return Failure{https.error()};
  const auto verify = env_bool(env, kHttpSslVerifyEnv, true);
  if (!verify) return Failure{verify.error()};

  const auto flag_addr = flag(flags, "http-addr");
  const std::string addr_text =
      flag_addr ? *flag_addr : env(kHttpAddrEnv).value_or("127.0.0.1:8500");
  auto address = parse_agent_address(addr_text, *https);
  if (!address) {
    return Failure{std::string{flag_addr ? "-http-addr" : kHttpAddrEnv} + ": " + address.error()};
  }
  config.address = std::move(*address);

  auto token = resolve_token(flags, env);
  if (!token) return Failure{token.error()};
  config.token = std::move(*token);

  config.datacenter = flag(flags, "datacenter").value_or(std::string{});
  config.tls.ca_file = flag_or_env(flags, "ca-file", env, "CONSUL_CACERT");
  config.tls.ca_path = flag_or_env(flags, "ca-path", env, "CONSUL_CAPATH");
  config.tls.client_cert = flag_or_env(flags, "client-cert", env, "CONSUL_CLIENT_CERT");
  config.tls.client_key = flag_or_env(flags, "client-key", env, "CONSUL_CLIENT_KEY");
  config.tls.server_name = flag_or_env(flags, "tls-server-name", env, "CONSUL_TLS_SERVER_NAME");
  config.tls.verify = *verify;
  if (config.tls.client_cert.empty() != config.tls.client_key.empty()) {
    return Failure{"-client-cert and -client-key must be given together"};
  }
  return config;
}

void add_agent_flags(po::options_description& options) {
  // Value names as `consul -h` shows these flags (`-ca-file=<value>`, `-http-addr=<address>`).
  const auto text = [] { return po::value<std::string>()->value_name("value"); };
  options.add_options()(
      "http-addr", po::value<std::string>()->value_name("address"),
      "The address and port of the Consul HTTP agent, or unix:///path/to/socket. This can also "
      "be specified via the CONSUL_HTTP_ADDR environment variable. The default is "
      "http://127.0.0.1:8500; CONSUL_HTTP_SSL=true makes a plain host:port use HTTPS.")(
      "token", text(),
      "ACL token to use in the requests. This can also be specified via the CONSUL_HTTP_TOKEN "
      "environment variable. Without one, the agent applies its own default token.")(
      "token-file", text(),
      "File containing the ACL token, used instead of -token or CONSUL_HTTP_TOKEN. This can "
      "also be specified via the CONSUL_HTTP_TOKEN_FILE environment variable.")(
      "ca-file", text(),
      "Path to a CA file to verify the agent's TLS certificate. This can also be specified via "
      "the CONSUL_CACERT environment variable.")(
      "ca-path", text(),
      "Path to a directory of CA certificates to verify the agent's TLS certificate. This can "
      "also be specified via the CONSUL_CAPATH environment variable.")(
      "client-cert", text(),
      "Path to a client certificate file for TLS to the agent. This can also be specified via "
      "the CONSUL_CLIENT_CERT environment variable.")(
      "client-key", text(),
      "Path to the client certificate's key file. This can also be specified via the "
      "CONSUL_CLIENT_KEY environment variable.")(
      "tls-server-name", text(),
      "The server name to use as the SNI host and to verify the agent's certificate against. "
      "This can also be specified via the CONSUL_TLS_SERVER_NAME environment variable.")(
      "datacenter", text(),
      "Name of the datacenter to query (adds dc= to every call). Defaults to the datacenter of "
      "the agent.");
}

int agent_flag_style() {
  namespace style = po::command_line_style;
  return (style::unix_style | style::allow_long_disguise) & ~style::allow_guessing;
}

}  // namespace gatehouse::consul
