#pragma once
// Everything a running sidecar needs to know, filled from flags today and from -config-file or
// the agent's registration (-sidecar-for, -proxy-id) later: those sources all produce this struct.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::proxy {

using std::chrono::milliseconds;

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const HostPort&) const = default;
};

struct Timeouts {
  milliseconds handshake{10'000};     // Consul's handshake_timeout_ms default (enforced here)
  milliseconds local_connect{1'000};  // Consul's local_connect_timeout_ms default
  // No traffic either way for this long closes the connection. One hour: long enough for idle
  // database pools and keep-alive HTTP, short enough that a vanished peer does not pin a slot.
  milliseconds idle{3'600'000};
  milliseconds drain{15'000};        // SIGTERM: how long open connections may finish
  milliseconds tls_shutdown{2'000};  // waiting for the peer's close_notify after ours
  milliseconds authorize{2'000};     // one POST /v1/agent/connect/authorize (agent-local)
};

// One upstream: a plain local listener whose connections go over mTLS to a healthy instance of
// `destination_name` (from -upstream, -config-file or the registration's Proxy.Upstreams).
struct UpstreamConfig {
  std::string destination_name;
  std::string destination_namespace = "default";
  std::string destination_partition = "default";
  std::string datacenter;  // empty: the agent's own
  HostPort bind{"127.0.0.1", 0};
  // Dial plus TLS handshake to one instance (Consul's upstream Config.connect_timeout_ms).
  milliseconds connect_timeout{10'000};
  bool operator==(const UpstreamConfig&) const = default;
};

// How inbound connections are authorized (-authz, -authz-fail, -authz-stale-max, -authz-verify).
enum class AuthzMode {
  agent,  // POST /v1/agent/connect/authorize per connection (Consul's built-in proxy)
  local,  // decided in-process from the watched intentions (proxy/local_authorizer.hpp)
};
enum class AuthzFail {
  closed,      // the agent cannot be asked: deny
  last_known,  // decide from the last intentions (local) or last answer (agent), for a while
};
struct AuthzConfig {
  AuthzMode mode = AuthzMode::agent;
  AuthzFail fail = AuthzFail::closed;
  milliseconds stale_max{3'600'000};  // how long last-known decisions may be used
  double verify_rate = 0.0;           // local mode: share of decisions also asked of the agent
  // Re-decide open inbound connections when the intentions change and close the ones now
  // denied (-revoke; -revoke=false keeps Consul's decide-at-connect behaviour).
  bool revoke = true;
};

struct ProxyConfig {
  std::string service;  // -service: the represented service (authorize Target, leaf name)
  HostPort listen;      // -listen: public mTLS listener (port 0: pick a free one)
  HostPort local_app;   // -service-addr: where the app listens
  bool has_listener = false;
  std::vector<UpstreamConfig> upstreams;
  Timeouts timeouts;
  // Live connections, inbound and upstream together; more are closed at once.
  std::size_t max_connections = 10'000;
  // TLS handshakes in progress at once on the public listener (handshake_gate.hpp).
  std::size_t max_handshakes = 1024;
  unsigned workers = 0;  // 0: one per core
  bool log_json = false;
  std::string log_level = "info";

  // -admin-addr: the /ready and /health endpoint (none when unset; port 0 picks a free port).
  std::optional<HostPort> admin;
  // -decisions-buffer: how many finished connections GET /decisions keeps (0: no stream).
  std::size_t decisions_buffer = 1000;
  // -audit: connections the intentions deny are let through and logged as audit_denied, and
  // revocations are logged (event=revoke_audit) instead of closing connections.
  bool audit = false;
  // -register / -register-id: self-registration as `<service>-proxy[-<register_id>]`.
  bool register_self = false;
  std::string register_id;

  AuthzConfig authz;
};

}  // namespace gatehouse::proxy
