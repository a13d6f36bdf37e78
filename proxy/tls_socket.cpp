#include "proxy/tls_socket.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>

namespace gatehouse::proxy {

namespace {

// An alert's description as RFC 8446 §6 names it. OpenSSL 3.0's SSL_alert_desc_string_long()
// predates the TLS 1.3 alerts and calls them "unknown".
std::string alert_name(int alert) {
  switch (alert & 0xff) {
    case 109:
      return "missing extension";
    case 115:
      return "unknown psk identity";
    case 116:
      return "certificate required";
    case 120:
      return "no application protocol";
    default:
      return SSL_alert_desc_string_long(alert);
  }
}

// Remembers the alerts we send (OpenSSL reports them only through the info callback).
void note_sent_alert(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_WRITE_ALERT) == 0) return;
  // NOLINTNEXTLINE: the app data is the owning TlsSocket's counter, set in the constructor
  *static_cast<int*>(SSL_get_app_data(ssl)) = value;
}

}  // namespace

// Copies the rest of an interrupted write() into the socket unless dismissed.
class TlsSocket::AbandonGuard {
 public:
  AbandonGuard(TlsSocket& socket, const char* data, std::size_t size)
      : socket_(&socket), data_(data), size_(size) {}
  AbandonGuard(const AbandonGuard&) = delete;
  AbandonGuard& operator=(const AbandonGuard&) = delete;
  ~AbandonGuard() {
    if (socket_ != nullptr) socket_->abandoned_write_.assign(data_, size_);
  }
  void dismiss() { socket_ = nullptr; }

 private:
  TlsSocket* socket_;
  const char* data_;
  std::size_t size_;
};

TlsSocket::TlsSocket(tcp::socket socket, SSL_CTX* context)
    : socket_(std::move(socket)), ssl_(SSL_new(context)), broken_(!ssl_) {
  error_code ignored;
  socket_.non_blocking(true, ignored);  // OpenSSL's reads and writes must never block the worker
  if (ssl_ && SSL_set_fd(ssl_.get(), static_cast<int>(socket_.native_handle())) != 1) {
    broken_ = true;
  }
  if (!broken_) {
    // Each read takes whatever the socket has (one syscall for several records), and the record
    // buffers go back to the allocator whenever they are empty (idle connections hold none).
    SSL_set_read_ahead(ssl_.get(), 1);
    // The moving write buffer: an abandoned write is retried from a copy (abandoned_write_).
    SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_app_data(ssl_.get(), &sent_alert_);
    SSL_set_info_callback(ssl_.get(), note_sent_alert);
  }
}

std::string TlsSocket::handshake_failure_detail() const {
  std::string detail;
  if (!ssl_) return detail;
  if (const long verify = SSL_get_verify_result(ssl_.get()); verify != X509_V_OK) {
    detail = std::string{"verify: "} + X509_verify_cert_error_string(verify);
  }
  if (sent_alert_ != 0) {
    if (!detail.empty()) detail += "; ";
    detail += "alert_sent: " + alert_name(sent_alert_);
  }
  return detail;
}

error_code TlsSocket::failure(int ret, bool& wants_write) {
  const int sys_errno = errno;
  const int reason = SSL_get_error(ssl_.get(), ret);
  wants_write = reason == SSL_ERROR_WANT_WRITE;
  if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
    return net::error::would_block;
  }
  if (reason == SSL_ERROR_ZERO_RETURN) return net::error::eof;  // the peer's close_notify
  const unsigned long first = ERR_get_error();
  ERR_clear_error();
  broken_ = true;
  if (reason == SSL_ERROR_SYSCALL && first == 0) {
    if (sys_errno != 0) return {sys_errno, boost::system::system_category()};
    return net::ssl::error::stream_truncated;  // TCP EOF without close_notify
  }
  if (ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return net::ssl::error::stream_truncated;
  }
  if (first == 0) return net::ssl::error::unspecified_system_error;
  return {static_cast<int>(first), net::error::get_ssl_category()};
}

net::awaitable<error_code> TlsSocket::wait_for_socket(bool writable) {
  auto [ec] =
      co_await socket_.async_wait(writable ? tcp::socket::wait_write : tcp::socket::wait_read, tok);
  co_return ec;
}

net::awaitable<error_code> TlsSocket::handshake(net::ssl::stream_base::handshake_type type) {
  if (broken_) co_return net::ssl::error::unspecified_system_error;  // SSL_new failed
  if (type == net::ssl::stream_base::client) {
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int ret = SSL_do_handshake(ssl_.get());
    if (ret == 1) co_return error_code{};
    bool wants_write = false;
    const error_code ec = failure(ret, wants_write);
    if (ec != net::error::would_block) co_return ec;
    if (const error_code wec = co_await wait_for_socket(wants_write)) co_return wec;
  }
}

std::tuple<error_code, std::size_t> TlsSocket::try_read(net::mutable_buffer buffer) {
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  const int ret = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &n);
  if (ret == 1) return {error_code{}, n};
  return {failure(ret, read_wants_write_), 0};
}

net::awaitable<error_code> TlsSocket::wait_readable() {
  // Only ever called after try_read said would_block, which OpenSSL says only once it has used
  // every complete record it holds and its own socket read found nothing more (EAGAIN). Whatever
  // it still buffers is an incomplete record that only more bytes from the socket can finish, so
  // we wait on the socket unconditionally. SSL_has_pending() must not short-cut this: it is 1 for
  // such a fragment too (SSL_pending(3)), and a peer that sent half a record then kept the worker
  // spinning on EAGAIN forever, starving every timer and connection on it.
  //
  // The read that just found the socket empty set up a record buffer (~18 KiB) to receive into;
  // SSL_MODE_RELEASE_BUFFERS only frees it after a record. Give it back while we wait: an idle
  // connection holds none (OpenSSL keeps a buffer that still holds part of a record).
  SSL_free_buffers(ssl_.get());
  co_return co_await wait_for_socket(read_wants_write_);
}

net::awaitable<std::tuple<error_code, std::size_t>> TlsSocket::read_some(
    net::mutable_buffer buffer) {
  for (;;) {
    auto [ec, n] = try_read(buffer);
    if (ec != net::error::would_block) co_return std::tuple{ec, n};
    if (const error_code wec = co_await wait_readable()) co_return std::tuple{wec, std::size_t{0}};
  }
}

net::awaitable<std::tuple<error_code, std::size_t>> TlsSocket::write(net::const_buffer buffer) {
  const auto* data = static_cast<const char*>(buffer.data());
  std::size_t written = 0;
  while (written < buffer.size()) {
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    // A retry after would_block passes the same bytes again, as OpenSSL requires.
    const int ret = SSL_write_ex(ssl_.get(), data + written, buffer.size() - written, &n);
    if (ret == 1) {
      written += n;
      continue;
    }
    bool wants_write = false;
    const error_code ec = failure(ret, wants_write);
    if (ec != net::error::would_block) co_return std::tuple{ec, written};
    // OpenSSL may now hold a record built from these bytes. Should this wait never complete
    // normally (the relay is cancelled: an error, or an exception from the cancelled coroutine),
    // the guard keeps the bytes for close_write() to finish the record with.
    AbandonGuard guard{*this, data + written, buffer.size() - written};
    const error_code wec = co_await wait_for_socket(wants_write);
    if (wec) co_return std::tuple{wec, written};
    guard.dismiss();
  }
  co_return std::tuple{error_code{}, written};
}

net::awaitable<error_code> TlsSocket::finish_abandoned_write() {
  std::size_t done = 0;
  while (done < abandoned_write_.size()) {
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int ret = SSL_write_ex(ssl_.get(), abandoned_write_.data() + done,
                                 abandoned_write_.size() - done, &n);
    if (ret == 1) {
      done += n;
      continue;
    }
    bool wants_write = false;
    const error_code ec = failure(ret, wants_write);
    if (ec != net::error::would_block) co_return ec;
    if (const error_code wec = co_await wait_for_socket(wants_write)) co_return wec;
  }
  abandoned_write_.clear();
  abandoned_write_.shrink_to_fit();
  co_return error_code{};
}

net::awaitable<error_code> TlsSocket::close_write() {
  // After a fatal error OpenSSL must not be asked to shut down; the caller just closes.
  if (broken_) co_return net::ssl::error::unspecified_system_error;
  if ((SSL_get_shutdown(ssl_.get()) & SSL_SENT_SHUTDOWN) != 0) co_return error_code{};
  if (!abandoned_write_.empty()) {
    if (const error_code ec = co_await finish_abandoned_write()) co_return ec;
  }
  for (;;) {
    ERR_clear_error();
    errno = 0;
    // 0: ours is sent, theirs not read yet; 1: both done. Either way our write side is closed.
    const int ret = SSL_shutdown(ssl_.get());
    if (ret >= 0) co_return error_code{};
    bool wants_write = false;
    const error_code ec = failure(ret, wants_write);
    if (ec != net::error::would_block) co_return ec;
    if (!wants_write) co_return error_code{};  // sent; only the peer's answer is missing
    if (const error_code wec = co_await wait_for_socket(true)) co_return wec;
  }
}

net::awaitable<error_code> TlsSocket::shutdown() {
  if (const error_code ec = co_await close_write()) co_return ec;
  // The peer may still send data before its close_notify (a TLS half-close): OpenSSL wants it
  // read with SSL_read, not a second SSL_shutdown. The relay is over, so it is discarded.
  std::array<char, 1024> sink;  // NOLINT: written by reads before use
  for (;;) {
    if ((SSL_get_shutdown(ssl_.get()) & SSL_RECEIVED_SHUTDOWN) != 0) co_return error_code{};
    auto [ec, n] = co_await read_some(net::buffer(sink));
    if (ec == net::error::eof) co_return error_code{};
    if (ec) co_return ec;
  }
}

}  // namespace gatehouse::proxy
