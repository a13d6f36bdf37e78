#pragma once
// Where and how to reach the Consul agent: the same flags and environment variables as the
// `consul` CLI and Go API client (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, ...), shared by every
// subcommand that talks to an agent.

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::consul {

// Reads one environment variable; injected so tests never touch the real environment.
using EnvGetter = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv); empty values count as unset, as in the Go client.
EnvGetter process_env();

// TLS settings for the connection to the agent's HTTPS API.
struct AgentTlsConfig {
  std::string ca_file;      // -ca-file / CONSUL_CACERT
  std::string ca_path;      // -ca-path / CONSUL_CAPATH
  std::string client_cert;  // -client-cert / CONSUL_CLIENT_CERT
  std::string client_key;   // -client-key / CONSUL_CLIENT_KEY
  std::string server_name;  // -tls-server-name / CONSUL_TLS_SERVER_NAME (SNI and verification)
  bool verify = true;       // CONSUL_HTTP_SSL_VERIFY=false turns peer verification off
};

// The agent address split the way Consul's Go client splits CONSUL_HTTP_ADDR.
struct AgentAddress {
  std::string scheme = "http";  // "http" or "https"
  std::string host_port = "127.0.0.1:8500";
  std::string unix_socket_path;  // non-empty for unix:///path
  std::string path_prefix;       // "/consul" for http://host:8500/consul

  // "http://127.0.0.1:8500", "https://host:8501/prefix", "http://localhost" for unix sockets.
  std::string base_url() const;
};

// Parses `host:port`, `http://host:port[/prefix]`, `https://…` or `unix:///path`.
// `https_requested` is CONSUL_HTTP_SSL: a plain host:port (or http://) becomes https.
boost::system::result<AgentAddress, std::string> parse_agent_address(std::string_view text,
                                                                     bool https_requested);

// Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
std::optional<bool> parse_go_bool(std::string_view text);

struct AgentConfig {
  AgentAddress address;
  std::string token;       // sent as X-Consul-Token; never logged
  std::string datacenter;  // adds dc= to every call when set
  AgentTlsConfig tls;

  // Builds the configuration from parsed flags (see add_agent_flags) and the environment, with
  // Consul's precedence: flags over environment; token: -token-file > -token >
  // CONSUL_HTTP_TOKEN_FILE > CONSUL_HTTP_TOKEN (file contents trimmed).
  static boost::system::result<AgentConfig, std::string> from(
      const boost::program_options::variables_map& flags, const EnvGetter& env);
};

// Registers -http-addr, -token, -token-file, -ca-file, -ca-path, -client-cert, -client-key,
// -tls-server-name and -datacenter. Parse with agent_flag_style() so the single-dash long forms
// `-http-addr X` and `-http-addr=X` both work, as with the consul CLI.
void add_agent_flags(boost::program_options::options_description& options);

// Command-line style accepting single-dash long options (no prefix guessing).
int agent_flag_style();

}  // namespace gatehouse::consul
