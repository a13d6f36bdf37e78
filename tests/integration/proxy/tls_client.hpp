#pragma once
// A blocking TLS client on a plain socket (OpenSSL directly on the fd), so a test can send
// close_notify and keep reading (a TLS half-close), and see exactly how the server ended.
// Reads time out after 30 s as a safety net only; no test relies on that timing.

#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::testing {

// A connected TCP socket to 127.0.0.1:port (-1 on failure), with the safety receive timeout.
int connect_loopback(std::uint16_t port);

// Reads from a plain socket until EOF or error.
std::string read_plain_to_eof(int fd);

enum class TlsEnd { clean_close, error, timeout };

class TlsClient {
 public:
  TlsClient(SSL_CTX* ctx, std::uint16_t port);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // SSL_connect; false with error() set on failure.
  bool handshake();
  bool write(std::string_view data);
  // Exactly n bytes (fewer if the stream ends first).
  std::string read_exactly(std::size_t n);
  // Everything until the server ends the stream; end() says how.
  std::string read_to_end();
  // Our close_notify, without waiting for the server's (we keep reading).
  void send_close_notify();

  TlsEnd end() const { return end_; }
  const std::string& error() const { return error_; }
  SSL* native_handle() const { return ssl_; }  // e.g. to inspect the server's certificates

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  TlsEnd end_ = TlsEnd::error;
  std::string error_;
};

}  // namespace gatehouse::testing
