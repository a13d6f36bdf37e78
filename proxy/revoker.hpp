#pragma once
// Decides every open inbound connection again and revokes those now denied: what runs when
// the intentions change (the intention watch calls recheck_all()).
//
// Only an intention decision revokes (decided_by_intentions): a verdict that could not be made
// (authz_unavailable) leaves open connections alone, as an outage is no reason to cut them.
// Under -audit nothing is closed: each connection that would be is reported once, as
// `event=revoke_audit conn=… src=… src_service=… reason="…" intention="…"` at warn.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "proxy/authorizer.hpp"
#include "proxy/revocation.hpp"
#include "proxy/runtime.hpp"

namespace gatehouse::proxy {

class Revoker {
 public:
  // What the intentions say about this connection now.
  using Decide = std::function<Verdict(const OpenInbound&)>;

  Revoker(std::shared_ptr<Runtime> runtime, Decide decide);

  // Thread-safe (calls are serialised). Returns how many connections the decision now denies
  // and were revoked, or under -audit newly reported; connections admitted by -audit are not
  // counted again under -audit, as their own line already says they are denied.
  std::size_t recheck_all();

 private:
  std::shared_ptr<Runtime> runtime_;
  Decide decide_;
  std::mutex mutex_;
  std::set<std::uint64_t> audit_reported_;  // guarded by mutex_; only ids still open are kept
};

}  // namespace gatehouse::proxy
