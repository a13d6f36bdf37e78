#pragma once
// Configuration from the agent (`-sidecar-for`, `-proxy-id`; command/connect/proxy/proxy.go,
// connect/proxy/config.go AgentConfigWatcher): the pure mapping from a connect-proxy
// registration to the ProxyConfig every other source produces.

#include <boost/system/result.hpp>
#include <map>
#include <string>
#include <vector>

#include "consul/agent_service.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::proxy {

struct RegistrationConfig {
  ProxyConfig config;
  // What was skipped or defaulted, one line each (prepared-query upstreams, a Proxy.Config value
  // of the wrong type); logged by the caller.
  std::vector<std::string> warnings;
};

// `base` carries what the registration does not say (our timeouts, limits, logging); the rest
// comes from the registration as Consul's proxy reads it:
//   service     = Proxy.DestinationServiceName
//   listener    = Address:Port (empty address: 0.0.0.0; port 0: no public listener)
//   app         = Proxy.LocalServiceAddress (default 127.0.0.1):LocalServicePort
//   upstreams   = Proxy.Upstreams (type service only, bind 127.0.0.1 unless given,
//                 Config.connect_timeout_ms)
//   timeouts    = Proxy.Config local_connect_timeout_ms, handshake_timeout_ms (numbers)
boost::system::result<RegistrationConfig, std::string> config_from_registration(
    const consul::AgentService& registration, const ProxyConfig& base);

// Consul's LookupProxyIDForSidecar: the single connect-proxy whose Proxy.DestinationServiceID
// equals `sidecar_for` ignoring case. Errors use Consul's texts.
boost::system::result<std::string, std::string> find_sidecar_proxy_id(
    const std::map<std::string, consul::AgentService>& services, const std::string& sidecar_for);

}  // namespace gatehouse::proxy
