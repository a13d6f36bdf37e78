#pragma once
// The whole inbound sidecar: TLS material watches, worker pool, public listener once ready,
// signal handling and drain. Blocks until SIGTERM/SIGINT and the drain are done.

#include "consul/agent_config.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::proxy {

// Returns the process exit code: 0 after a signal-initiated drain, 1 when startup fails
// (resolving the app, binding the listener), with one `event=start_failed` line.
int run_sidecar(const ProxyConfig& config, const consul::AgentConfig& agent);

}  // namespace gatehouse::proxy
