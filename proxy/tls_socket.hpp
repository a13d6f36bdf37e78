#pragma once
// A TLS connection driven straight on its TCP socket's file descriptor (OpenSSL's socket BIO),
// the data path's replacement for asio::ssl::stream.
//
// Why not asio::ssl::stream: it moves every byte through a BIO pair and two 17 KiB vectors of its
// own, allocated for the stream's whole life. That costs an extra copy each way and about 70 KiB
// per idle connection before OpenSSL's record buffers. Here OpenSSL reads and writes the socket
// itself, its record buffers are released while idle (SSL_MODE_RELEASE_BUFFERS), and the relay
// holds no buffer while it waits (try_read / wait_readable). It also lets us send close_notify
// and keep reading (close_write), which asio::ssl::stream cannot (asio issue #571): our outbound
// half-close is authenticated, not a bare FIN.
//
// Errors use Asio's conventions so logs and callers read the same: net::error::eof for the peer's
// close_notify, net::ssl::error::stream_truncated for a TCP EOF without it, and OpenSSL's reason
// in the asio ssl category otherwise. One connection, one thread (the worker's).

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>

#include "proxy/asio_types.hpp"

namespace gatehouse::proxy {

class TlsSocket {
 public:
  using executor_type = tcp::socket::executor_type;

  // `context` must outlive nothing here: the SSL holds its own reference to the SSL_CTX.
  TlsSocket(tcp::socket socket, SSL_CTX* context);
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  tcp::socket& next_layer() { return socket_; }
  SSL* native_handle() { return ssl_.get(); }

  net::awaitable<error_code> handshake(net::ssl::stream_base::handshake_type type);
  // What a failed handshake's error_code does not say, for a reason an operator can act on:
  // the X.509 verification error ("verify: certificate has expired") and the alert we sent
  // ("alert_sent: certificate expired"), "; "-joined; empty when there is neither.
  std::string handshake_failure_detail() const;

  // Non-blocking: plaintext already decrypted or readable now; net::error::would_block when the
  // caller should co_await wait_readable() first.
  std::tuple<error_code, std::size_t> try_read(net::mutable_buffer buffer);
  // After try_read said would_block: until the socket can make progress (readable, or writable
  // when TLS needs to send first, e.g. a key update answer). Always suspends on the socket.
  net::awaitable<error_code> wait_readable();
  // Reads at least one byte (or fails).
  net::awaitable<std::tuple<error_code, std::size_t>> read_some(net::mutable_buffer buffer);
  // Writes all of `buffer` (as few records as possible).
  net::awaitable<std::tuple<error_code, std::size_t>> write(net::const_buffer buffer);

  // Sends close_notify and keeps the read side open: the TLS half-close. A write that was
  // cancelled mid-record (drain, revocation) is finished first: OpenSSL sends nothing else,
  // close_notify included, until it has.
  net::awaitable<error_code> close_write();
  // Sends close_notify (unless already sent) and waits for the peer's.
  net::awaitable<error_code> shutdown();

 private:
  class AbandonGuard;
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  // The error_code for a failed SSL_* call that returned `ret`; net::error::would_block when
  // OpenSSL only waits for the socket, with `wants_write` saying for which readiness.
  error_code failure(int ret, bool& wants_write);
  net::awaitable<error_code> wait_for_socket(bool writable);
  // Sends the bytes of a write abandoned while OpenSSL held part of their record.
  net::awaitable<error_code> finish_abandoned_write();

  tcp::socket socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
  // try_read's last would_block waits for writability (TLS must send first), not readability.
  // Kept apart from the writer's state: both directions share this connection.
  bool read_wants_write_ = false;
  bool broken_ = false;  // a fatal TLS or socket error: no shutdown may follow
  int sent_alert_ = 0;   // the last alert we sent, (level << 8) | description; 0: none
  // The rest of a write() whose wait was cancelled after OpenSSL said would_block: OpenSSL must
  // be given these same bytes again (SSL_write(3)) before it writes anything else.
  std::string abandoned_write_;
};

}  // namespace gatehouse::proxy
