#pragma once
// `gatehouse proxy` flags, spelled as `consul connect proxy` spells them
// (command/connect/proxy/proxy.go), plus the timeouts and limits our data path enforces. Parsing is
// pure (environment injected).

#include <boost/system/result.hpp>
#include <span>
#include <string>

#include "consul/agent_config.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::tools {

struct ProxyOptions {
  proxy::ProxyConfig config;
  consul::AgentConfig agent;
  // Configuration from the agent (mode priority of configWatcher in
  // command/connect/proxy/proxy.go): at most one is set; then `config` holds only the flags
  // that are ours (timeouts, logging, workers), and the service, listener and upstreams come
  // from the registration.
  std::string proxy_id;
  std::string sidecar_for;
  bool help = false;
  bool check_config = false;  // -check-config: validate, print, exit
};

// The error is one line for stderr, using Consul's texts where Consul has them
// ("-service-addr must be specified with -listen so the proxy knows the backend service
// address.").
boost::system::result<ProxyOptions, std::string> parse_proxy_options(std::span<char* const> args,
                                                                     const consul::EnvGetter& env);

// "host:port" with Go's net.SplitHostPort rules: "[::1]:80", ":8443" (empty host), port 0..65535.
boost::system::result<proxy::HostPort, std::string> parse_host_port(std::string_view text);

std::string proxy_usage();

}  // namespace gatehouse::tools
