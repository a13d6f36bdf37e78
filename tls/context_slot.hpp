#pragma once
// The one place that knows how the current TLS context is published: watchers build
// a complete new context and publish it; each connection takes current() once and keeps it.

#include <atomic>
#include <memory>

#include "tls/tls_context.hpp"

namespace gatehouse::tls {

class ContextSlot {
 public:
  ContextSlot() = default;
  explicit ContextSlot(std::shared_ptr<const TlsContext> initial) : slot_(std::move(initial)) {}
  ContextSlot(const ContextSlot&) = delete;
  ContextSlot& operator=(const ContextSlot&) = delete;

  // Empty until the first publish (not ready: refuse connections rather than serve without TLS).
  std::shared_ptr<const TlsContext> current() const { return slot_.load(); }
  void publish(std::shared_ptr<const TlsContext> next) { slot_.store(std::move(next)); }

 private:
  std::atomic<std::shared_ptr<const TlsContext>> slot_;
};

}  // namespace gatehouse::tls
