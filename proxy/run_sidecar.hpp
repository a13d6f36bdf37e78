#pragma once
// The sidecar process: a Sidecar (proxy/sidecar.hpp) on a control io_context, its worker pool,
// and signal handling. Blocks until SIGTERM/SIGINT and the drain are done.

#include <string>

#include "consul/agent_config.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::proxy {

// Returns the process exit code: 0 after a signal-initiated drain, 1 when startup fails
// (resolving the app, binding a listener), with one `event=start_failed` line.
int run_sidecar(const ProxyConfig& config, const consul::AgentConfig& agent);

// Which registration configures the proxy (command/connect/proxy/proxy.go configWatcher):
// `proxy_id` wins over `sidecar_for`.
struct AgentSource {
  std::string proxy_id;
  std::string sidecar_for;  // parent service ID; resolved once at startup to the proxy's ID
};

// Configuration from the agent: the registration is read (GET /v1/agent/service/<id>, watched
// by content hash) and mapped by config_from_registration onto `base` (our own flags); the
// sidecar starts with the first answer and applies later changes through its ListenerSet.
// Exit code 1 with `event=start_failed` when there is no such registration (Consul's texts).
int run_sidecar_from_agent(const AgentSource& source, const ProxyConfig& base,
                           const consul::AgentConfig& agent);

}  // namespace gatehouse::proxy
