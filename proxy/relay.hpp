#pragma once
// Copies bytes both ways between the caller's stream and the app's socket (STYLE.md §3).
//
// Deliberately asymmetric: the caller's EOF (TLS close_notify) is a true half-close — the app gets
// a FIN and may keep answering; the app's EOF ends the relay and the caller then sends
// close_notify (Asio's TLS shutdown waits for the peer's close_notify, so a TLS half-close while
// still reading is not possible, asio issue #571). No traffic either way for `idle` ends it too.
// Each direction owns one 16 KiB buffer (a full TLS record) for the connection's life.
//
// Outbound runs the same relay with the local client as `client` and the TLS stream to the
// upstream instance as `app`: the local client's EOF half-closes towards the upstream, the
// upstream's EOF ends the relay.

#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <variant>

#include "proxy/asio_types.hpp"
#include "proxy/errc.hpp"

namespace gatehouse::proxy {

inline constexpr std::size_t kRelayBufferSize = std::size_t{16} * 1024;

enum class RelayEnd { app_closed, client_failed, idle_timeout };

struct RelayResult {
  std::uint64_t to_app = 0;     // bytes_in: caller -> app
  std::uint64_t to_client = 0;  // bytes_out: app -> caller
  RelayEnd ended_by = RelayEnd::app_closed;
  error_code ec;  // why it ended; empty for a clean app EOF
  bool client_half_closed = false;
  // The caller's end was a bare TCP FIN (no close_notify, as our outbound side half-closes):
  // it will not answer our close_notify either, so waiting for it only holds the slot.
  bool client_truncated = false;
};

// The last time a byte moved, shared by both directions and the idle watchdog (one thread).
class Activity {
 public:
  explicit Activity(std::chrono::milliseconds idle) : idle_(idle) {}
  void touch() { last_ = std::chrono::steady_clock::now(); }
  std::chrono::steady_clock::time_point deadline() const { return last_ + idle_; }

 private:
  std::chrono::milliseconds idle_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// A caller that ends TLS without close_notify (a bare TCP FIN) is treated like EOF for the
// half-close: the bytes it sent were all authenticated, it just skipped the alert.
inline bool is_eof(const error_code& ec) {
  return ec == net::error::eof || ec == net::ssl::error::stream_truncated;
}

template <class From, class To>
net::awaitable<error_code> copy_until_eof(From& from, To& to, Activity& activity,
                                          std::uint64_t& total,
                                          std::array<char, kRelayBufferSize>& buf,
                                          bool* truncated = nullptr) {
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(net::buffer(buf), tok);
    if (n > 0) {
      auto [wec, written] = co_await net::async_write(to, net::buffer(buf.data(), n), tok);
      total += written;
      if (wec) co_return wec;
      activity.touch();
    }
    if (is_eof(rec)) {
      if (truncated != nullptr) *truncated = rec == net::ssl::error::stream_truncated;
      co_return error_code{};
    }
    if (rec) co_return rec;
  }
}

// Our write side towards the app ends; reading goes on.
inline void half_close(tcp::socket& socket, error_code& ec) {
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

// Towards a TLS peer, a TCP FIN without close_notify: Asio cannot send close_notify and keep
// reading (asio issue #571). Our inbound side reads that as EOF (is_eof above) and half-closes
// towards its app; a peer that insists on close_notify sees a truncated stream.
inline void half_close(TlsStream& stream, error_code& ec) {
  stream.next_layer().shutdown(tcp::socket::shutdown_send, ec);
}

// Caller -> app; on the caller's EOF, FIN to the app, then wait (parked) while the app answers.
template <class ClientStream, class AppStream>
net::awaitable<error_code> client_then_half_close(ClientStream& client, AppStream& app,
                                                  Activity& activity, RelayResult& result,
                                                  std::array<char, kRelayBufferSize>& buf) {
  const error_code ec =
      co_await copy_until_eof(client, app, activity, result.to_app, buf, &result.client_truncated);
  if (ec) co_return ec;
  result.client_half_closed = true;
  error_code sec;
  half_close(app, sec);
  if (sec) co_return sec;
  net::steady_timer park{app.get_executor(), net::steady_timer::time_point::max()};
  co_await park.async_wait(tok);  // ended by `||` when the app side or the watchdog finishes
  co_return error_code{};
}

inline net::awaitable<error_code> idle_watchdog(Activity& activity) {
  net::steady_timer timer{co_await net::this_coro::executor};
  for (;;) {
    const auto deadline = activity.deadline();
    if (deadline <= std::chrono::steady_clock::now()) co_return make_error_code(errc::idle_timeout);
    timer.expires_at(deadline);
    auto [ec] = co_await timer.async_wait(tok);
    if (ec) co_return ec;  // cancelled: the relay ended some other way
  }
}

template <class ClientStream, class AppStream>
net::awaitable<RelayResult> relay(ClientStream& client, AppStream& app,
                                  std::chrono::milliseconds idle) {
  using namespace net::experimental::awaitable_operators;
  Activity activity{idle};
  RelayResult result;
  std::array<char, kRelayBufferSize> to_app_buf;     // NOLINT: filled by reads before use
  std::array<char, kRelayBufferSize> to_client_buf;  // NOLINT: filled by reads before use
  auto first = co_await (copy_until_eof(app, client, activity, result.to_client, to_client_buf) ||
                         client_then_half_close(client, app, activity, result, to_app_buf) ||
                         idle_watchdog(activity));
  result.ended_by = first.index() == 0   ? RelayEnd::app_closed
                    : first.index() == 1 ? RelayEnd::client_failed
                                         : RelayEnd::idle_timeout;
  result.ec = std::visit([](error_code e) { return e; }, first);
  co_return result;
}

}  // namespace gatehouse::proxy
