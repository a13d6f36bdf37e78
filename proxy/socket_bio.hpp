#pragma once
// The BIO between OpenSSL and a TlsSocket's TCP socket. Like OpenSSL's socket BIO it reads and
// writes the file descriptor itself (no copy through a BIO pair), with two differences that the
// data path needs:
// - it serves first the bytes that the socket's Asio read already fetched while the connection
//   waited (SocketFeed::prefetched), so waiting costs no epoll re-arm and no extra read;
// - a read that came back short marks the socket drained, and the next read then reports "retry"
//   without the syscall that would only return EAGAIN (Asio's reactor makes the same inference).
// Writes use MSG_NOSIGNAL: a reset peer is an error, never SIGPIPE.

#include <openssl/bio.h>

#include <array>
#include <cstddef>

namespace gatehouse::proxy {

struct SocketFeed {
  static constexpr std::size_t kPrefetchSize = 512;

  int fd = -1;
  std::array<unsigned char, kPrefetchSize> prefetched{};
  std::size_t begin = 0;
  std::size_t end = 0;
  bool drained = false;  // the last read came back short: empty until the next readiness
  bool eof = false;      // the peer's FIN was read

  std::size_t buffered() const { return end - begin; }
  // After the socket's own read into `prefetched` returned `n` bytes.
  void fetched(std::size_t n) {
    begin = 0;
    end = n;
    drained = n < prefetched.size();
  }
};

// A new BIO over `feed` (which must outlive it); SSL_set_bio takes ownership.
BIO* make_socket_bio(SocketFeed& feed);

}  // namespace gatehouse::proxy
