#include "tests/integration/proxy/tls_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace gatehouse::testing {
namespace {

std::string openssl_errors() {
  std::string out;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    if (!out.empty()) out += "; ";
    out += buf.data();
  }
  return out;
}

}  // namespace

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{};
  tv.tv_sec = 30;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string read_plain_to_eof(int fd) {
  std::string out;
  std::array<char, 4096> buf{};
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) return out;
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
}

TlsClient::TlsClient(SSL_CTX* ctx, std::uint16_t port) : fd_(connect_loopback(port)) {
  ssl_ = SSL_new(ctx);
  if (fd_ >= 0 && ssl_ != nullptr) SSL_set_fd(ssl_, fd_);
}

TlsClient::~TlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

bool TlsClient::handshake() {
  if (fd_ < 0 || ssl_ == nullptr) {
    error_ = "no connection";
    return false;
  }
  if (SSL_connect(ssl_) == 1) return true;
  error_ = "handshake failed: " + openssl_errors();
  return false;
}

bool TlsClient::write(std::string_view data) {
  std::size_t written = 0;
  const int rc = SSL_write_ex(ssl_, data.data(), data.size(), &written);
  if (rc == 1 && written == data.size()) return true;
  error_ = "write failed: " + openssl_errors();
  return false;
}

std::string TlsClient::read_exactly(std::size_t n) {
  std::string out;
  std::array<char, 16384> buf{};
  while (out.size() < n) {
    std::size_t got = 0;
    const std::size_t want = std::min(buf.size(), n - out.size());
    if (SSL_read_ex(ssl_, buf.data(), want, &got) != 1) break;
    out.append(buf.data(), got);
  }
  return out;
}

std::string TlsClient::read_to_end() {
  std::string out;
  std::array<char, 16384> buf{};
  for (;;) {
    std::size_t got = 0;
    const int rc = SSL_read_ex(ssl_, buf.data(), buf.size(), &got);
    if (rc == 1) {
      out.append(buf.data(), got);
      continue;
    }
    const int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_ZERO_RETURN) {
      end_ = TlsEnd::clean_close;
    } else if (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      end_ = TlsEnd::timeout;
    } else {
      end_ = TlsEnd::error;
      error_ = "read ended with error " + std::to_string(err) + ": " + openssl_errors();
    }
    return out;
  }
}

void TlsClient::send_close_notify() { SSL_shutdown(ssl_); }

}  // namespace gatehouse::testing
