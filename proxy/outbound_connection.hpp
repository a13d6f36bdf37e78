#pragma once
// One accepted connection on an upstream listener, from the instance pick to the summary line.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "proxy/asio_types.hpp"
#include "proxy/connection_registry.hpp"
#include "proxy/runtime.hpp"
#include "proxy/upstream_instances.hpp"

namespace gatehouse::proxy {

// At most this many instances are tried for one connection.
inline constexpr std::size_t kMaxOutboundAttempts = 3;

// Which instances to try, in order: round robin from `turn`, each instance at most once, at most
// kMaxOutboundAttempts. Pure (indices into a list of `count`).
std::vector<std::size_t> attempt_order(std::size_t count, std::uint64_t turn);

// How long the next attempt may take: an equal share of what is left of the overall deadline
// among the attempts still possible, so a silent instance cannot use up the retries' time.
std::chrono::milliseconds attempt_budget(std::chrono::milliseconds left, std::size_t attempts_left);

// Spawned on the worker that owns `local` (parameters by value: the frame owns them).
// pick instances round robin -> dial + TLS client handshake within the upstream's
// connect_timeout (our leaf presented, the server chain verified against all roots) -> the
// server must be the expected service (connect/tls.go verifyServerCertMatchesURI) -> else retry
// another instance -> relay with half-close -> one summary line.
net::awaitable<void> serve_outbound(tcp::socket local, std::shared_ptr<Runtime> runtime,
                                    std::shared_ptr<UpstreamTargets> targets,
                                    ConnectionRegistry::Entry entry, std::uint64_t conn_id);

}  // namespace gatehouse::proxy
