#pragma once
// A hostile (or merely slow) TLS peer for tests: a real OpenSSL client or server whose bytes go
// to the wire only as far as the test allows. OpenSSL writes into memory; `hold_after(n)` lets n
// more bytes out and keeps the rest back, so a test can stop after any byte of any record —
// half a ClientHello, half an application-data record, the first bytes of a close_notify —
// and keep the TCP connection open for as long as it likes. That is what a link delivering a
// record in pieces, or a caller trying to stall a sidecar, looks like to the other end.
//
// Blocking, one thread; every wait takes a deadline.

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace gatehouse::testing {

enum class TlsRole { client, server };

class ScriptedTlsPeer {
 public:
  // Takes ownership of `fd`, a connected TCP socket.
  ScriptedTlsPeer(SSL_CTX* ctx, TlsRole role, int fd);
  ~ScriptedTlsPeer();
  ScriptedTlsPeer(const ScriptedTlsPeer&) = delete;
  ScriptedTlsPeer& operator=(const ScriptedTlsPeer&) = delete;

  // From now on at most `bytes` more bytes reach the wire; the rest waits for release().
  void hold_after(std::size_t bytes);
  // Sends everything held and lifts the limit.
  bool release();

  // Runs the handshake until it completes (true), fails, the deadline passes, or it needs bytes
  // from the other side that the other side waits for because ours are held (false).
  bool handshake(std::chrono::milliseconds limit);
  // Encrypts `plaintext` as application data and sends what the limit allows.
  bool write(std::string_view plaintext);
  // Sends close_notify (as far as the limit allows).
  bool close_notify();
  // Plaintext until `n` bytes, the peer's close_notify or TCP EOF, or the deadline.
  std::string read(std::size_t n, std::chrono::milliseconds limit);
  // Waits until the other side closes the TCP connection (true) or the deadline passes (false);
  // what it sends meanwhile (a close_notify) is consumed.
  bool wait_for_close(std::chrono::milliseconds limit);

  // The wire size of one application-data record carrying `plaintext_bytes` (TLS 1.3 with the
  // negotiated cipher): a test that wants "half a record" asks for this.
  std::size_t record_size(std::size_t plaintext_bytes) const;
  std::size_t bytes_sent() const { return sent_; }
  std::size_t bytes_held() const { return held_.size(); }
  bool peer_closed() const { return peer_closed_; }
  bool got_close_notify() const { return got_close_notify_; }
  const std::string& error() const { return error_; }
  SSL* native_handle() { return ssl_; }

 private:
  // Moves OpenSSL's output into `held_` and sends what the budget allows.
  bool flush();
  // Waits up to `until` for bytes from the socket and gives them to OpenSSL; false on EOF,
  // error or deadline.
  bool pump_in(std::chrono::steady_clock::time_point until);
  bool fail(std::string why);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // the socket's bytes, for OpenSSL to read (owned by ssl_)
  BIO* out_ = nullptr;  // OpenSSL's output, for us to send (owned by ssl_)
  std::string held_;
  std::size_t budget_ = std::numeric_limits<std::size_t>::max();
  std::size_t sent_ = 0;
  bool peer_closed_ = false;
  bool got_close_notify_ = false;
  std::string error_;
};

// A connected TCP socket to 127.0.0.1:port (-1 on failure).
int tcp_connect_loopback(std::uint16_t port);

}  // namespace gatehouse::testing
