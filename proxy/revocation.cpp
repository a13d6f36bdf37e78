#include "proxy/revocation.hpp"

namespace gatehouse::proxy {

RevocationSignal::RevocationSignal(net::any_io_executor executor)
    : wakeup_(std::move(executor), net::steady_timer::time_point::max()) {}

void RevocationSignal::revoke(Revocation why) {
  if (why_) return;
  why_ = std::move(why);
  wakeup_.cancel();
}

net::awaitable<void> RevocationSignal::wait() {
  while (!why_) {
    auto [ec] = co_await wakeup_.async_wait(tok);
    // Cancelled by revoke() (why_ is set) or by the relay ending first (the caller's `||`).
    if (ec && !why_) co_return;
  }
}

}  // namespace gatehouse::proxy
