#include "tests/integration/netns/echo_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace gatehouse::testing {
namespace {

constexpr std::size_t kChunk = std::size_t{64} * 1024;

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
    }
  }
  void update(const char* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += kDigits[md[i] >> 4];
      out += kDigits[md[i] & 0xf];
    }
    return out;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

// splitmix64: cheap, deterministic bytes that no layer can compress or special-case.
void fill(std::vector<char>& buf, std::uint64_t& state) {
  for (std::size_t i = 0; i < buf.size(); i += 8) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::memcpy(buf.data() + i, &z, std::min<std::size_t>(8, buf.size() - i));
  }
}

std::string errno_text(const char* what) {
  return std::string{what} + ": " + std::error_code{errno, std::generic_category()}.message();
}

}  // namespace

int connect_tcp(const std::string& ip, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT
    ::close(fd);
    return -1;
  }
  return fd;
}

EchoStreamResult echo_stream(int fd, std::uint64_t bytes, std::chrono::seconds limit,
                             std::atomic<std::uint64_t>* progress) {
  EchoStreamResult result;
  std::string write_error;  // written by the writer thread only
  std::string read_error;   // by the reader thread only
  bool timed_out = false;
  std::mutex mutex;
  std::condition_variable finished;
  int done = 0;
  const auto mark_done = [&] {
    const std::lock_guard lock{mutex};
    ++done;
    finished.notify_all();
  };

  std::thread writer{[&] {
    Sha256 sha;
    std::vector<char> buf(kChunk);
    std::uint64_t state = bytes;
    while (result.sent < bytes && write_error.empty()) {
      buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, bytes - result.sent)));
      fill(buf, state);
      sha.update(buf.data(), buf.size());
      for (std::size_t off = 0; off < buf.size();) {
        const auto n = ::send(fd, buf.data() + off, buf.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          write_error = errno_text("send");
          break;
        }
        off += static_cast<std::size_t>(n);
        result.sent += static_cast<std::uint64_t>(n);
      }
    }
    result.sent_sha256 = sha.hex();
    if (write_error.empty() && ::shutdown(fd, SHUT_WR) != 0) write_error = errno_text("shutdown");
    mark_done();
  }};

  std::thread reader{[&] {
    Sha256 sha;
    std::vector<char> buf(kChunk);
    std::string held;  // the last bytes seen, not hashed yet: they may be the echo's trailer
    for (;;) {
      const auto n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        read_error = errno_text("recv");
        break;
      }
      if (n == 0) break;
      result.received += static_cast<std::uint64_t>(n);
      if (progress) *progress += static_cast<std::uint64_t>(n);
      held.append(buf.data(), static_cast<std::size_t>(n));
      if (held.size() > kEchoBye.size()) {
        const std::size_t ready = held.size() - kEchoBye.size();
        sha.update(held.data(), ready);
        held.erase(0, ready);
      }
    }
    result.echoed_sha256 = sha.hex();
    result.tail = held;
    mark_done();
  }};

  {
    std::unique_lock lock{mutex};
    if (!finished.wait_for(lock, limit, [&] { return done == 2; })) {
      timed_out = true;
      ::shutdown(fd, SHUT_RDWR);  // unblocks both threads
    }
  }
  writer.join();
  reader.join();
  if (timed_out) {
    result.error = "not finished within " + std::to_string(limit.count()) + " s (sent " +
                   std::to_string(result.sent) + " of " + std::to_string(bytes) + ", received " +
                   std::to_string(result.received) + ")";
  }
  for (const auto* e : {&write_error, &read_error}) {
    if (!e->empty()) result.error += (result.error.empty() ? "" : "; ") + *e;
  }
  return result;
}

}  // namespace gatehouse::testing
