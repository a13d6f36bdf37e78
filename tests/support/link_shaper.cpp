#include "tests/support/link_shaper.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "tests/support/scripted_tls_peer.hpp"

namespace gatehouse::testing {

namespace {

// Waits for `fd` to be readable, checking `stopping` every 50 ms; false when stopping.
bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping.load()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) != 0) return true;  // ready, or an error the read will report
  }
  return false;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

LinkShaper::LinkShaper(std::uint16_t target_port, LinkShape shape)
    : target_port_(target_port), shape_(shape) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  auto* raw = reinterpret_cast<sockaddr*>(&addr);  // NOLINT: the sockets API
  if (listen_fd_ < 0 || ::bind(listen_fd_, raw, sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, raw, &len) != 0) {
    throw std::runtime_error("link shaper: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LinkShaper::~LinkShaper() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock{mutex_};
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  for (const int fd : fds_) ::close(fd);
  ::close(listen_fd_);
}

void LinkShaper::accept_loop() {
  while (wait_readable(listen_fd_, stopping_)) {
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int server = tcp_connect_loopback(target_port_);
    if (server < 0) {
      ::close(client);
      continue;
    }
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++accepted_;
    std::lock_guard lock{mutex_};
    fds_.insert(fds_.end(), {client, server});
    pumps_.emplace_back([this, client, server] {
      pump(client, server, shape_.stop_client_to_server_after);
    });
    pumps_.emplace_back([this, client, server] {
      pump(server, client, shape_.stop_server_to_client_after);
    });
  }
}

void LinkShaper::pump(int from, int to, std::size_t limit) {
  std::array<char, 65536> buf{};
  std::size_t forwarded = 0;
  const std::size_t piece = shape_.piece == 0 ? buf.size() : std::min(shape_.piece, buf.size());
  while (forwarded < limit && wait_readable(from, stopping_)) {
    const std::size_t want = std::min(piece, limit - forwarded);
    const ssize_t n = ::recv(from, buf.data(), want, 0);
    if (n <= 0) {
      ::shutdown(to, SHUT_WR);  // pass the EOF on, as a half-close
      return;
    }
    if (!send_all(to, buf.data(), static_cast<std::size_t>(n))) return;
    forwarded += static_cast<std::size_t>(n);
    if (shape_.pause.count() > 0) std::this_thread::sleep_for(shape_.pause);
  }
  // Past the limit (or stopping): forward nothing more but keep both ends open until the
  // destructor, like a stalled path.
}

}  // namespace gatehouse::testing
