#include "tests/integration/support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace gatehouse::testing {
namespace {

// Closes the descriptor on every path out.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback(const std::string& base_url) {
  const auto colon = base_url.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error{"no port in " + base_url};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(base_url.substr(colon + 1))));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

RawExchange raw_http_exchange(const std::string& base_url, const std::string& bytes,
                              int timeout_ms) {
  Socket s;
  const sockaddr_in addr = loopback(base_url);
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error{"connect to " + base_url + " failed"};
  }
  RawExchange out;
  // Send and read together: a server may answer (and stop reading) before the request ends.
  std::size_t sent = 0;
  std::array<char, 65536> buf{};
  for (;;) {
    pollfd p{s.fd, static_cast<short>(POLLIN | (sent < bytes.size() ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return out;
    if ((p.revents & POLLIN) != 0 || (p.revents & (POLLHUP | POLLERR)) != 0) {
      const auto n = ::recv(s.fd, buf.data(), buf.size(), 0);
      if (n <= 0) {
        out.closed_by_peer = true;
        return out;
      }
      out.response.append(buf.data(), static_cast<std::size_t>(n));
      continue;
    }
    if ((p.revents & POLLOUT) != 0) {
      const auto n = ::send(s.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0) {
        sent = bytes.size();  // the server stopped reading: keep reading its answer
      } else {
        sent += static_cast<std::size_t>(n);
      }
    }
  }
}

}  // namespace gatehouse::testing
