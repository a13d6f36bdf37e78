#include "proxy/revoker.hpp"

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace {

void log_revoke_audit(const OpenInbound& open, const Verdict& verdict) {
  LogFields f;
  const auto* service = open.peer.id.service();
  f.add("event", "revoke_audit")
      .add("conn", open.conn_id)
      .add("src", open.peer.id.to_string())
      .add("src_service", service != nullptr ? service->service : std::string{})
      .add_quoted("reason", verdict.reason)
      .add_quoted("intention", verdict.intention);
  log_fields(spdlog::level::warn, f);
}

}  // namespace

Revoker::Revoker(std::shared_ptr<Runtime> runtime, Decide decide)
    : runtime_(std::move(runtime)), decide_(std::move(decide)) {}

std::size_t Revoker::recheck_all() {
  const std::lock_guard lock{mutex_};
  const bool audit = runtime_->config.audit;
  std::set<std::uint64_t> still_open;
  std::size_t denied = 0;
  for (const OpenInbound& open : runtime_->registry.open_inbound()) {
    still_open.insert(open.conn_id);
    if (audit && open.audit_denied) continue;
    const Verdict verdict = decide_(open);
    if (verdict.allowed || !decided_by_intentions(verdict)) continue;
    if (audit) {
      if (!audit_reported_.insert(open.conn_id).second) continue;
      log_revoke_audit(open, verdict);
      ++denied;
      continue;
    }
    if (runtime_->registry.revoke(open.conn_id,
                                  Revocation{verdict.reason, verdict.intention, verdict.source})) {
      ++denied;
    }
  }
  std::erase_if(audit_reported_, [&](std::uint64_t id) { return !still_open.contains(id); });
  return denied;
}

}  // namespace gatehouse::proxy
