#pragma once
// One accepted connection on the public listener, from handshake to the summary line.

#include <cstdint>
#include <memory>

#include "proxy/asio_types.hpp"
#include "proxy/authorizer.hpp"
#include "proxy/connection_registry.hpp"
#include "proxy/runtime.hpp"
#include "proxy/tls_socket.hpp"

namespace gatehouse::proxy {

// Spawned on the worker that owns `socket` (parameters by value: the frame owns them).
// handshake (deadline, client cert verified against all roots) -> exactly one URI SAN that is a
// service identity -> authorize -> dial the app (deadline) -> relay -> bounded close_notify.
net::awaitable<void> serve_inbound(tcp::socket socket, std::shared_ptr<Runtime> runtime,
                                   std::shared_ptr<Authorizer> authorizer,
                                   ConnectionRegistry::Entry entry, std::uint64_t conn_id);

// The TLS handshake (as server unless told), or errc::handshake_timeout once `limit` passes (the
// stream is then unusable and must be closed).
net::awaitable<error_code> handshake_within(
    TlsSocket& stream, std::chrono::milliseconds limit,
    net::ssl::stream_base::handshake_type type = net::ssl::stream_base::server);

// TCP connect (with TCP_NODELAY, as on accepted sockets), or errc::connect_timeout once `limit`
// passes.
net::awaitable<error_code> connect_within(tcp::socket& socket, const tcp::endpoint& endpoint,
                                          std::chrono::milliseconds limit);

// close_notify, waiting at most `limit` for the peer's; then the socket is closed.
net::awaitable<void> close_tls_within(TlsSocket& stream, std::chrono::milliseconds limit);

// "ip:port", "[v6]:port".
std::string format_endpoint(const tcp::endpoint& endpoint);

}  // namespace gatehouse::proxy
