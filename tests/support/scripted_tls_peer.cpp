#include "tests/support/scripted_tls_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace gatehouse::testing {

using Clock = std::chrono::steady_clock;

namespace {

int ms_until(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no OpenSSL error";
  std::array<char, 256> text{};
  ERR_error_string_n(e, text.data(), text.size());
  return text.data();
}

}  // namespace

int tcp_connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // each piece leaves at once
  return fd;
}

ScriptedTlsPeer::ScriptedTlsPeer(SSL_CTX* ctx, TlsRole role, int fd)
    : fd_(fd), ssl_(SSL_new(ctx)), in_(BIO_new(BIO_s_mem())), out_(BIO_new(BIO_s_mem())) {
  BIO_set_mem_eof_return(in_, -1);  // an empty input BIO means "wait", not EOF
  SSL_set_bio(ssl_, in_, out_);
  if (role == TlsRole::client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

ScriptedTlsPeer::~ScriptedTlsPeer() {
  SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

bool ScriptedTlsPeer::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return false;
}

void ScriptedTlsPeer::hold_after(std::size_t bytes) { budget_ = bytes; }

bool ScriptedTlsPeer::release() {
  budget_ = std::numeric_limits<std::size_t>::max();
  return flush();
}

bool ScriptedTlsPeer::flush() {
  std::array<char, 4096> chunk{};
  for (int n; (n = BIO_read(out_, chunk.data(), chunk.size())) > 0;) held_.append(chunk.data(), n);
  const std::size_t allowed = std::min(budget_, held_.size());
  std::size_t done = 0;
  while (done < allowed) {
    const ssize_t n = ::send(fd_, held_.data() + done, allowed - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(std::string{"send: "} + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  held_.erase(0, done);
  sent_ += done;
  if (budget_ != std::numeric_limits<std::size_t>::max()) budget_ -= done;
  return true;
}

bool ScriptedTlsPeer::pump_in(Clock::time_point until) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, ms_until(until));
  if (ready == 0) return fail("timed out waiting for the peer");
  if (ready < 0) return fail(std::string{"poll: "} + std::strerror(errno));
  std::array<char, 16384> buf{};
  const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n <= 0) {
    peer_closed_ = true;
    return fail(n == 0 ? "peer closed the connection" : std::string{"recv: "} + std::strerror(errno));
  }
  BIO_write(in_, buf.data(), static_cast<int>(n));
  return true;
}

bool ScriptedTlsPeer::handshake(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  for (;;) {
    ERR_clear_error();
    const int ret = SSL_do_handshake(ssl_);
    if (!flush()) return false;
    if (ret == 1) return true;
    if (SSL_get_error(ssl_, ret) != SSL_ERROR_WANT_READ) {
      return fail("handshake: " + openssl_reason());
    }
    if (!pump_in(until)) return false;
  }
}

bool ScriptedTlsPeer::write(std::string_view plaintext) {
  std::size_t written = 0;
  if (SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written) != 1) {
    return fail("write: " + openssl_reason());
  }
  return flush();
}

bool ScriptedTlsPeer::close_notify() {
  SSL_shutdown(ssl_);
  return flush();
}

std::string ScriptedTlsPeer::read(std::size_t n, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  std::string out;
  std::array<char, 16384> buf{};
  while (out.size() < n) {
    ERR_clear_error();
    std::size_t got = 0;
    const int ret = SSL_read_ex(ssl_, buf.data(), std::min(buf.size(), n - out.size()), &got);
    if (ret == 1) {
      out.append(buf.data(), got);
      continue;
    }
    flush();  // a key update or ticket may want an answer
    const int reason = SSL_get_error(ssl_, ret);
    if (reason == SSL_ERROR_ZERO_RETURN) {
      got_close_notify_ = true;
      break;
    }
    if (reason != SSL_ERROR_WANT_READ) {
      fail("read: " + openssl_reason());
      break;
    }
    if (!pump_in(until)) break;
  }
  return out;
}

bool ScriptedTlsPeer::wait_for_close(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!peer_closed_) {
    if (!pump_in(until) && !peer_closed_) return false;
    std::array<char, 256> sink{};
    std::size_t got = 0;
    int ret = 0;
    while ((ret = SSL_read_ex(ssl_, sink.data(), sink.size(), &got)) == 1) {
    }
    if (SSL_get_error(ssl_, ret) == SSL_ERROR_ZERO_RETURN) got_close_notify_ = true;
    ERR_clear_error();
  }
  return true;
}

std::size_t ScriptedTlsPeer::record_size(std::size_t plaintext_bytes) const {
  // TLS 1.3 (RFC 8446 §5.2): a 5-byte header, the plaintext, its 1-byte inner content type and
  // the AEAD tag (16 bytes for every TLS 1.3 suite).
  constexpr std::size_t kHeader = 5;
  constexpr std::size_t kContentType = 1;
  constexpr std::size_t kTag = 16;
  return kHeader + plaintext_bytes + kContentType + kTag;
}

}  // namespace gatehouse::testing
