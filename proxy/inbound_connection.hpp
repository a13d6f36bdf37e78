#pragma once
// One accepted connection on the public listener, from handshake to the summary line.

#include <cstdint>
#include <memory>

#include "proxy/asio_types.hpp"
#include "proxy/authorizer.hpp"
#include "proxy/connection_registry.hpp"
#include "proxy/handshake_gate.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/relay.hpp"
#include "proxy/revocation.hpp"
#include "proxy/runtime.hpp"
#include "proxy/tls_socket.hpp"

namespace gatehouse::proxy {

// Spawned on the worker that owns `socket` (parameters by value: the frame owns them).
// handshake (deadline, client cert verified against all roots) -> exactly one URI SAN that is a
// service identity -> authorize -> dial the app (deadline) -> relay -> bounded close_notify.
// Nothing TLS is allocated before the caller's first byte, and the handshake needs a slot of the
// worker's `handshakes` gate (the caller is refused as handshake_limit without one).
net::awaitable<void> serve_inbound(tcp::socket socket, std::shared_ptr<Runtime> runtime,
                                   std::shared_ptr<Authorizer> authorizer,
                                   HandshakeGate& handshakes, ConnectionRegistry::Entry entry,
                                   std::uint64_t conn_id);

// How an accepted connection's relay ended, for its summary line.
struct RelayEnding {
  RelayResult result;
  // `end=`: client_closed, app_closed, idle_timeout, cancelled, revoked, or client_error /
  // app_error with the error's text.
  std::string end;
};

// The data phase of an accepted connection: relays between the verified caller and the app until
// one side ends it, then closes both, the app at once and the caller with close_notify (waiting at
// most `timeouts.tls_shutdown` for its answer) unless it left without its own.
net::awaitable<RelayEnding> relay_and_close(TlsSocket& client, tcp::socket& app,
                                            const Timeouts& timeouts);

// The same, ended early by `revocation`: then close_notify goes to the caller first and the app
// is closed after it (both within `timeouts.tls_shutdown`), and `end` is `revoked`.
net::awaitable<RelayEnding> relay_and_close(TlsSocket& client, tcp::socket& app,
                                            const Timeouts& timeouts, RevocationSignal& revocation);

}  // namespace gatehouse::proxy
