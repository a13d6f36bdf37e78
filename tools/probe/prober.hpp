#pragma once
// The probe's only network code: one connection, its facts gathered for classify().

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tls/spiffe_id.hpp"
#include "tls/tls_context.hpp"
#include "tools/probe/classification.hpp"

namespace gatehouse::tools {

struct DialTarget {
  std::string host;
  std::uint16_t port = 0;
  std::string label() const { return host + ":" + std::to_string(port); }
};

// TCP connect and TLS handshake (presenting `client`'s leaf) within `connect_timeout`, server
// identity checked against `expected` (Consul's rule, tls::verify_server_identity), then up to
// `settle` waiting for the first application byte or the end of the stream. Sends a bounded
// close_notify before closing.
boost::asio::awaitable<ConnectionFacts> probe_mtls(DialTarget target,
                                                   std::shared_ptr<const tls::TlsContext> client,
                                                   tls::ServiceIdentity expected,
                                                   std::chrono::milliseconds connect_timeout,
                                                   std::chrono::milliseconds settle);

// A plain TCP connection (a sidecar's local upstream listener), same settle rule.
boost::asio::awaitable<ConnectionFacts> probe_plain(DialTarget target,
                                                    std::chrono::milliseconds connect_timeout,
                                                    std::chrono::milliseconds settle);

}  // namespace gatehouse::tools
