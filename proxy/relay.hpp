#pragma once
// Copies bytes both ways between the caller's stream and the app's socket.
//
// Deliberately asymmetric: the caller's EOF is a true half-close — the app gets a FIN (or, when
// the app side is TLS, a close_notify) and may keep answering; the app's EOF ends the relay and
// the caller then gets its close_notify. No traffic either way for `idle` ends it too.
// A direction borrows a 16 KiB RelayBuffer only from a successful non-blocking read until its
// bytes are written; while it waits for the peer it holds nothing (relay_buffer.hpp).
//
// Outbound runs the same relay with the local client as `client` and the TLS connection to the
// upstream instance as `app`: the local client's EOF half-closes towards the upstream, the
// upstream's EOF ends the relay.

#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <variant>

#include "proxy/asio_types.hpp"
#include "proxy/errc.hpp"
#include "proxy/relay_buffer.hpp"
#include "proxy/tls_socket.hpp"

namespace gatehouse::proxy {

// The relay's view of its two kinds of stream: a non-blocking read attempt, a wait until one can
// progress, a complete write and the end of our writing.
inline std::tuple<error_code, std::size_t> try_read(tcp::socket& socket,
                                                    net::mutable_buffer buffer) {
  error_code ec;
  const std::size_t n = socket.read_some(buffer, ec);  // non-blocking: would_block when empty
  return {ec, n};
}
inline std::tuple<error_code, std::size_t> try_read(TlsSocket& stream, net::mutable_buffer buffer) {
  return stream.try_read(buffer);
}
// Waits until the stream can be read; a plain socket is read right away into `small` (see
// copy_until_eof), a TLS one only waited for (0 bytes).
inline net::awaitable<std::tuple<error_code, std::size_t>> wait_and_read(
    tcp::socket& socket, net::mutable_buffer small) {
  return socket.async_read_some(small, tok);
}
inline net::awaitable<std::tuple<error_code, std::size_t>> wait_and_read(
    TlsSocket& stream, net::mutable_buffer /*small*/) {
  co_return std::tuple{co_await stream.wait_readable(), std::size_t{0}};
}
// Tries the (non-blocking) socket right away, so a write that fits the socket buffer, the usual
// case, costs no trip through the scheduler; only the rest waits for writability.
inline net::awaitable<std::tuple<error_code, std::size_t>> write_all(tcp::socket& socket,
                                                                     net::const_buffer buffer) {
  error_code ec;
  std::size_t written = socket.write_some(buffer, ec);
  if (ec == net::error::would_block) ec = {};
  if (ec || written == buffer.size()) co_return std::tuple{ec, written};
  auto [wec, rest] = co_await net::async_write(socket, buffer + written, tok);
  co_return std::tuple{wec, written + rest};
}
inline net::awaitable<std::tuple<error_code, std::size_t>> write_all(TlsSocket& stream,
                                                                     net::const_buffer buffer) {
  return stream.write(buffer);
}
inline net::awaitable<error_code> half_close(tcp::socket& socket) {
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  co_return ec;
}
// close_notify, and the read side stays open for the answer.
inline net::awaitable<error_code> half_close(TlsSocket& stream) { return stream.close_write(); }
inline void make_non_blocking(tcp::socket& socket) {
  error_code ignored;
  socket.non_blocking(true, ignored);
}
inline void make_non_blocking(TlsSocket& /*already*/) {}

enum class RelayEnd { app_closed, client_failed, idle_timeout };

struct RelayResult {
  std::uint64_t to_app = 0;     // bytes_in: caller -> app
  std::uint64_t to_client = 0;  // bytes_out: app -> caller
  RelayEnd ended_by = RelayEnd::app_closed;
  error_code ec;  // why it ended; empty for a clean app EOF
  bool client_half_closed = false;
  // The caller's end was a bare TCP FIN without close_notify: it will not answer our
  // close_notify either, so waiting for it only holds the slot.
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

// Reads that succeed back to back this many times yield to the worker's other connections.
inline constexpr int kReadsBeforeYield = 16;
// A plain socket waits in Asio's own read into this much per-direction memory: a short read
// tells Asio the socket is drained, so the next wait costs no syscall (a bare readiness wait
// re-arms epoll each time, and a non-blocking read needs an EAGAIN to know it is drained).
inline constexpr std::size_t kWaitReadSize = 512;

template <class From, class To>
net::awaitable<error_code> copy_until_eof(From& from, To& to, Activity& activity,
                                          std::uint64_t& total, bool* truncated = nullptr) {
  std::array<char, kWaitReadSize> small;  // NOLINT: filled by reads before use
  std::size_t carried = 0;                // bytes in `small` not yet written
  bool may_have_more = true;              // try a non-blocking read before waiting
  int streak = 0;
  error_code rec;
  for (;;) {
    if (may_have_more || carried > 0) {
      RelayBuffer buf;
      std::memcpy(buf.data(), small.data(), carried);
      auto [ec, n] = try_read(from, buf.buffer() + carried);
      const std::size_t ready = carried + n;
      carried = 0;
      rec = ec;
      if (ready > 0) {
        auto [wec, written] = co_await write_all(to, net::buffer(buf.data(), ready));
        total += written;
        if (wec) co_return wec;
        activity.touch();
        may_have_more = n > 0;
        if (++streak == kReadsBeforeYield) {
          streak = 0;
          co_await net::post(co_await net::this_coro::executor, tok);
        }
        continue;
      }
      if (rec == net::error::would_block) may_have_more = false;
    }
    if (!may_have_more) {
      streak = 0;
      auto [wec, n] = co_await wait_and_read(from, net::buffer(small));
      rec = wec;
      if (n == small.size()) {
        carried = n;  // more may follow: read it behind these bytes into a relay buffer
        continue;
      }
      if (n > 0) {
        auto [xec, written] = co_await write_all(to, net::buffer(small.data(), n));
        total += written;
        if (xec) co_return xec;
        activity.touch();
        continue;  // a short read drained the socket: wait again
      }
      if (!rec) {
        may_have_more = true;  // readable (TLS): read it
        continue;
      }
    }
    if (is_eof(rec)) {
      if (truncated != nullptr) *truncated = rec == net::ssl::error::stream_truncated;
      co_return error_code{};
    }
    if (rec) co_return rec;
  }
}

// Caller -> app; on the caller's EOF, FIN to the app, then wait (parked) while the app answers.
template <class ClientStream, class AppStream>
net::awaitable<error_code> client_then_half_close(ClientStream& client, AppStream& app,
                                                  Activity& activity, RelayResult& result) {
  const error_code ec =
      co_await copy_until_eof(client, app, activity, result.to_app, &result.client_truncated);
  if (ec) co_return ec;
  result.client_half_closed = true;
  if (const error_code sec = co_await half_close(app)) co_return sec;
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

// relay() filling `result` as the bytes move: a caller that races it with something else (a
// revocation) and so cancels it still has the byte counts.
template <class ClientStream, class AppStream>
net::awaitable<void> relay_into(ClientStream& client, AppStream& app,
                                std::chrono::milliseconds idle, RelayResult& result) {
  using namespace net::experimental::awaitable_operators;
  Activity activity{idle};
  make_non_blocking(client);
  make_non_blocking(app);
  auto first =
      co_await (copy_until_eof(app, client, activity, result.to_client) ||
                client_then_half_close(client, app, activity, result) || idle_watchdog(activity));
  result.ended_by = first.index() == 0   ? RelayEnd::app_closed
                    : first.index() == 1 ? RelayEnd::client_failed
                                         : RelayEnd::idle_timeout;
  result.ec = std::visit([](error_code e) { return e; }, first);
}

template <class ClientStream, class AppStream>
net::awaitable<RelayResult> relay(ClientStream& client, AppStream& app,
                                  std::chrono::milliseconds idle) {
  RelayResult result;
  co_await relay_into(client, app, idle, result);
  co_return result;
}

}  // namespace gatehouse::proxy
