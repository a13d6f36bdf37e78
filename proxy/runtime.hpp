#pragma once
// What every connection of the sidecar shares: the configuration, the current TLS contexts and the
// registry of live connections. Created once at startup; the slots and the registry are
// thread-safe, the rest is read-only after start.

#include <atomic>
#include <cstdint>
#include <memory>

#include "proxy/asio_types.hpp"
#include "proxy/conn_observers.hpp"
#include "proxy/connection_registry.hpp"
#include "proxy/decision_stream.hpp"
#include "proxy/metrics.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/watch_health.hpp"
#include "tls/context_slot.hpp"

namespace gatehouse::proxy {

class Authorization;  // proxy/authorization.hpp

struct Runtime {
  ProxyConfig config;
  tcp::endpoint local_app;      // resolved from config.local_app at startup
  tls::ContextSlot server_tls;  // the public listener's context
  tls::ContextSlot client_tls;  // presented on upstream dials (outbound_connection.cpp)
  ConnectionRegistry registry;
  ConnObservers observers;               // filled at startup, before the workers run
  std::shared_ptr<Authorization> authz;  // set at startup; /ready asks it about the agent
  // GET /decisions on -admin-addr (null without -admin-addr or with -decisions-buffer 0).
  std::shared_ptr<DecisionStream> decisions;
  SidecarMetrics metrics;    // GET /metrics (proxy/metrics_scrape.hpp)
  WatchHealth watch_health;  // the agent watches' last answers and errors, for GET /metrics
  std::atomic<std::uint64_t> last_conn_id{0};
  // For -admin-addr: ready once leaf and roots are loaded and the listeners are up; draining
  // from SIGTERM/SIGINT on. Written on the control thread.
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};

  std::uint64_t next_conn_id() { return ++last_conn_id; }

  // The connection's one `event=conn` line, then every observer (metrics, decision stream).
  void report(const ConnRecord& record) const {
    log_conn(record);
    observers.notify(record);
  }
};

}  // namespace gatehouse::proxy
