#pragma once
// Live revocation: an inbound connection the intentions allowed when it opened, and deny now, is
// closed while it relays (docs/proxy.md, "Live revocation"). What a relaying connection says about
// itself so it can be re-decided, what a revocation carries, and the per-connection signal that
// ends its relay.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "consul/intention_match.hpp"
#include "proxy/asio_types.hpp"
#include "proxy/authorizer.hpp"
#include "proxy/decision_log.hpp"
#include "tls/peer_identity.hpp"

namespace gatehouse::proxy {

// An inbound connection that was authorized and has not started closing: enough to decide it
// again.
struct OpenInbound {
  std::uint64_t conn_id = 0;
  tls::PeerIdentity peer;     // the caller's verified SPIFFE ID and certificate serial
  consul::ServiceRef source;  // the caller as an intention source (consul::caller_service)
  // The deciding intention when it was admitted (`web => db`, `default`); under -audit, for an
  // audit_denied connection, the one that denied it.
  std::string intention;
  bool audit_denied = false;  // admitted by -audit although the intentions deny it
};

// Why a connection is being closed: the decision that now denies it.
struct Revocation {
  std::string reason;     // that decision's reason, Consul's text (`Matched L4 intention: …`)
  std::string intention;  // its intention label (`web => db`, `default`)
  DecisionSource source = DecisionSource::local;
};

// True when the verdict is an intention decision (a matching intention or the default), false
// when no decision could be made (authz_unavailable: the agent could not be asked). Only the
// former may revoke an open connection or be waved through by -audit: both are about what the
// intentions say, not about outages.
inline bool decided_by_intentions(const Verdict& verdict) { return !verdict.intention.empty(); }

// One admitted connection's revocation. Shared between the connection's frame and the registry;
// revoke() and wait() run on the connection's executor only (the registry posts there).
class RevocationSignal {
 public:
  explicit RevocationSignal(net::any_io_executor executor);

  // The first revocation wins; later ones are ignored.
  void revoke(Revocation why);
  // Completes once revoked (at once if already), or with the wait cancelled.
  net::awaitable<void> wait();
  const std::optional<Revocation>& revocation() const { return why_; }

 private:
  net::steady_timer wakeup_;
  std::optional<Revocation> why_;
};

}  // namespace gatehouse::proxy
