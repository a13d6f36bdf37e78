#pragma once
// The probe's only network code: one connection, its facts gathered for classify().
//
// Without a request the probe waits up to `settle` for the first application byte or the end of
// the stream. With one (-send, -http-get) it writes the request right after the handshake (TLS
// 1.3 lets the client send before the sidecar has authorized it: a denied connection's bytes are
// read and dropped by the sidecar's close) and reads the reply, bounded by `settle` and by
// kReplyLimit bytes, stopping as soon as the answer is known.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tls/spiffe_id.hpp"
#include "tls/tls_context.hpp"
#include "tools/probe/classification.hpp"
#include "tools/probe/probe_request.hpp"

namespace gatehouse::tools {

// What to send after the handshake; a null request: wait the settle window.
struct Exchange {
  std::shared_ptr<const ProbeRequest> request;
  std::string host;  // -http-get's Host header: the destination service's name
};

struct DialTarget {
  std::string host;
  std::uint16_t port = 0;
  std::string label() const { return host + ":" + std::to_string(port); }
};

// TCP connect and TLS handshake (presenting `client`'s leaf) within `connect_timeout`, server
// identity checked against `expected` (Consul's rule, tls::verify_server_identity), then the
// exchange (or the settle wait). Sends a bounded close_notify before closing.
boost::asio::awaitable<ConnectionFacts> probe_mtls(
    DialTarget target, std::shared_ptr<const tls::TlsContext> client, tls::ServiceIdentity expected,
    std::chrono::milliseconds connect_timeout, std::chrono::milliseconds settle, Exchange exchange);

// A plain TCP connection (a sidecar's local upstream listener), same rules.
boost::asio::awaitable<ConnectionFacts> probe_plain(DialTarget target,
                                                    std::chrono::milliseconds connect_timeout,
                                                    std::chrono::milliseconds settle,
                                                    Exchange exchange);

}  // namespace gatehouse::tools
